// EventHub: strictly increasing ids, channel filtering (exact and wildcard), bounded replay that says
// when it is incomplete, and isolation of a failing listener.
import { describe, expect, it } from 'vitest';
import { EventHub, StreamHubError } from '../../../api/streams/event-hub.ts';
import type { StreamEvent } from '../../../api/streams/stream-event.ts';

const T0 = Date.parse('2024-03-01T08:00:00Z');

function hub(overrides: ConstructorParameters<typeof EventHub>[0] = {}) {
  let now = T0;
  const h = new EventHub({ clock: () => (now += 1000), logger: { error: () => {} }, ...overrides });
  return h;
}

function collect(h: EventHub, channels: string[]) {
  const seen: StreamEvent[] = [];
  const unsubscribe = h.subscribe((e) => seen.push(e), channels);
  return { seen, unsubscribe };
}

describe('EventHub', () => {
  it('gives strictly increasing ids across channels and stamps the clock', () => {
    const h = hub();
    const ids = ['alarms', 'water', 'samples:r1', 'alarms'].map((c, i) => h.publish(c, 'test', { i }).id);
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(h.lastEventId).toBe(4);
    expect(h.since(0, ['water'])).toEqual({ events: [{ id: 2, channel: 'water', type: 'test', at: '2024-03-01T08:00:02.000Z', data: { i: 1 } }], complete: true });
  });

  it('delivers only subscribed channels, wildcards included, once per event', () => {
    const h = hub();
    const alarms = collect(h, ['alarms']);
    const samples = collect(h, ['samples:*', 'samples:r1']);
    const everything = collect(h, ['*']);
    h.publish('alarms', 'raised', {});
    h.publish('samples:r1', 'sample', {});
    h.publish('samples:r2', 'sample', {});
    h.publish('samplesx', 'sample', {});
    h.publish('water', 'kpi', {});
    expect(alarms.seen.map((e) => e.id)).toEqual([1]);
    expect(samples.seen.map((e) => e.channel)).toEqual(['samples:r1', 'samples:r2']);
    expect(everything.seen.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    samples.unsubscribe();
    h.publish('samples:r1', 'sample', {});
    expect(samples.seen).toHaveLength(2);
    expect(h.subscriberCount).toBe(2);
  });

  it('replays from a bounded history and says when the request reaches past it', () => {
    const h = hub({ historyLimit: 5 });
    for (let i = 0; i < 10; i += 1) h.publish('water', 'kpi', { i });
    expect(h.since(5, ['water'])).toMatchObject({ complete: true });
    expect(h.since(5, ['water']).events.map((e) => e.id)).toEqual([6, 7, 8, 9, 10]);
    expect(h.since(8, ['water']).events.map((e) => e.id)).toEqual([9, 10]);
    const tooOld = h.since(2, ['water']);
    expect(tooOld.complete).toBe(false);
    expect(tooOld.events.map((e) => e.id)).toEqual([6, 7, 8, 9, 10]);
    expect(h.since(10, ['water'])).toEqual({ events: [], complete: true });
    // An id from the future (a hub that restarted without its log) cannot be trusted either.
    expect(h.since(99, ['water']).complete).toBe(false);
  });

  it('keeps alarms replayable while high-rate channels churn through their own history', () => {
    const h = hub({ historyLimit: 3 });
    h.publish('alarms', 'raised', { room: 'r1' });
    for (let i = 0; i < 100; i += 1) h.publish('samples:r1', 'sample', { i });
    const replay = h.since(0, ['alarms']);
    expect(replay).toMatchObject({ complete: true, events: [{ id: 1, channel: 'alarms' }] });
    expect(h.since(0, ['alarms', 'samples:r1']).complete).toBe(false);
    expect(h.since(0, ['alarms', 'samples:r1']).events.map((e) => e.id)).toEqual([1, 99, 100, 101]);
  });

  it('isolates a listener that throws', () => {
    const errors: object[] = [];
    const h = hub({ logger: { error: (details) => errors.push(details) } });
    h.subscribe(() => {
      throw new Error('boom');
    }, ['alarms']);
    const healthy = collect(h, ['alarms']);
    h.publish('alarms', 'raised', {});
    expect(healthy.seen).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('refuses bad channels and data that is not JSON without using up an id', () => {
    const h = hub();
    expect(() => h.publish('bad channel', 't', {})).toThrow(StreamHubError);
    expect(() => h.publish('samples:*', 't', {})).toThrow(/invalid channel/);
    expect(() => h.publish('water', 't', { n: 1n })).toThrow(/not JSON/);
    expect(h.publish('water', 't', {}).id).toBe(1);
  });
});
