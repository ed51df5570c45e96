// The cleanroom engine on silent counters (stale after 3 × 60 s by default) and on shelving: tracked
// while shelved, not annunciated, back in whatever state the condition is in when the shelve runs out.
import { describe, expect, it } from 'vitest';
import { createEngineState, nextShelveExpiry } from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import { aConfig, aRoom, at05, MINUTE_MS, T0 } from './cleanroom-fixtures.ts';
import { driver, labels } from './engine-driver.ts';

const ACTION = 3_600_000;
const ALERT = 2_500_000;
const CLEAN = 1_000_000;
const STALE_AFTER_MS = 3 * MINUTE_MS;
const HOUR_MS = 60 * MINUTE_MS;

describe('stale counters', () => {
  it('raises a stale alarm for a counter that never reported, only once silence exceeds 3 intervals', () => {
    const d = driver();
    d.clock.advance(STALE_AFTER_MS);
    d.sample(at05(d.clock.now(), CLEAN, 'pms-01'));
    expect(d.checkStale().transitions).toEqual([]);
    d.clock.advance(1);
    const result = d.checkStale();
    expect(labels(result.transitions)).toEqual(['raised:normal>active-unacknowledged:action']);
    expect(d.onlyAlarm()).toMatchObject({ id: `mask-line/pms-02/stale@${T0 + STALE_AFTER_MS + 1}`, key: 'mask-line/pms-02/stale', kind: 'stale', channel: null, severity: 'action' });
  });

  it('raises it once however often it is checked, and clears it when samples come again', () => {
    const d = driver(aConfig([aRoom({ counterIds: ['pms-01'] })]));
    d.feed([CLEAN]);
    d.clock.advance(STALE_AFTER_MS + 1);
    d.checkStale();
    d.clock.advance(MINUTE_MS);
    d.checkStale();
    expect(d.log).toHaveLength(1);
    const { id } = d.onlyAlarm();
    d.feed([CLEAN]);
    expect(d.onlyAlarm()).toMatchObject({ id, state: 'cleared-unacknowledged', conditionActive: false });
    d.ack(id, 'counter rebooted after a power dip');
    expect(labels(d.log)).toEqual([
      'raised:normal>active-unacknowledged:action',
      'cleared:active-unacknowledged>cleared-unacknowledged:action',
      'acknowledged:cleared-unacknowledged>normal:action',
    ]);
    expect(d.state.alarms).toEqual({});
  });

  it('closes an acknowledged stale alarm as soon as the counter speaks', () => {
    const d = driver(aConfig([aRoom({ counterIds: ['pms-01'] })]));
    d.clock.advance(STALE_AFTER_MS + 1);
    d.checkStale();
    d.ack(d.onlyAlarm().id, 'technician on the way');
    d.feed([CLEAN]);
    expect(labels(d.log).at(-1)).toBe('cleared:active-acknowledged>normal:action');
    expect(d.state.alarms).toEqual({});
  });

  it('never takes silence for clean air: an open excursion stays active while the counter is silent', () => {
    const d = driver(aConfig([aRoom({ counterIds: ['pms-01'] })]));
    d.feed([ACTION]);
    d.clock.advance(HOUR_MS);
    d.checkStale();
    expect(Object.values(d.state.alarms).map((a) => [a.kind, a.conditionActive])).toEqual([
      ['excursion', true],
      ['stale', true],
    ]);
  });

  it('honours a per-counter stale multiple and watches counters added to the configuration from when it first sees them', () => {
    const before = aConfig([aRoom({ counterIds: ['pms-01'] })]);
    const after = aConfig([aRoom({ counterIds: ['pms-01', 'pms-03'], levels: { counters: { 'pms-03': { staleAfterIntervals: 2 } } } })]);
    const d = driver(after, { state: createEngineState(before, T0) });
    d.clock.advance(STALE_AFTER_MS + 1);
    d.checkStale();
    expect(Object.keys(d.state.alarms)).toEqual(['mask-line/pms-01/stale']);
    d.clock.advance(2 * MINUTE_MS);
    d.checkStale();
    expect(Object.keys(d.state.alarms)).toEqual(['mask-line/pms-01/stale']);
    d.clock.advance(1);
    d.checkStale();
    expect(Object.keys(d.state.alarms)).toEqual(['mask-line/pms-01/stale', 'mask-line/pms-03/stale']);
  });
});

describe('shelving', () => {
  it('tracks a condition that clears while shelved without annunciating it, and returns to normal on expiry', () => {
    const d = driver();
    d.feed([ACTION]);
    const { id } = d.onlyAlarm();
    d.shelve(id, HOUR_MS);
    const cleared = d.feed([CLEAN, CLEAN, CLEAN]);
    expect(cleared[2]!.transitions).toEqual([expect.objectContaining({ cause: 'cleared', from: 'shelved', to: 'shelved', suppressed: true, conditionActive: false })]);
    d.clock.advance(HOUR_MS);
    const expired = d.expireShelves();
    expect(labels(expired.transitions)).toEqual(['shelve-expired:shelved>normal:action']);
    expect(expired.transitions[0]).toMatchObject({ actor: 'system', suppressed: false });
    expect(d.state.alarms).toEqual({});
  });

  it('comes back active and unacknowledged when the condition persists at expiry, whatever it was before', () => {
    const d = driver();
    d.feed([ACTION]);
    const { id } = d.onlyAlarm();
    d.ack(id);
    d.shelve(id, HOUR_MS);
    d.clock.advance(HOUR_MS);
    d.feed([ACTION]);
    d.expireShelves();
    expect(d.onlyAlarm()).toMatchObject({ id, state: 'active-unacknowledged', conditionActive: true, shelvedUntil: null, acknowledgedAt: null });
  });

  it('tracks an escalation while shelved and comes back at the new severity', () => {
    const d = driver();
    d.feed([ALERT, ALERT]);
    const { id } = d.onlyAlarm();
    d.shelve(id, HOUR_MS);
    const [escalation] = d.feed([ACTION]);
    expect(escalation!.transitions).toEqual([expect.objectContaining({ cause: 'severity-changed', severity: 'action', suppressed: true })]);
    d.unshelve(id);
    expect(d.onlyAlarm()).toMatchObject({ id, state: 'active-unacknowledged', severity: 'action' });
  });

  it('leaves a shelve that has not run out alone, and tells when the next one does', () => {
    const d = driver();
    d.feed([ACTION]);
    d.shelve(d.onlyAlarm().id, HOUR_MS);
    expect(nextShelveExpiry(d.state)).toBe(T0 + MINUTE_MS + HOUR_MS);
    d.clock.advance(HOUR_MS - 1);
    expect(d.expireShelves().transitions).toEqual([]);
    expect(d.onlyAlarm().state).toBe('shelved');
  });

  it('refuses to shelve a shelved alarm, a closed one, or one with a past expiry', () => {
    const d = driver();
    d.feed([ACTION]);
    const { id } = d.onlyAlarm();
    expect(() => d.shelve(id, 0)).toThrow(expect.objectContaining({ code: 'SHELVE_EXPIRY_INVALID' }));
    d.shelve(id, HOUR_MS);
    expect(() => d.shelve(id, HOUR_MS)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    d.unshelve(id);
    d.ack(id);
    d.feed([CLEAN, CLEAN, CLEAN]);
    expect(() => d.shelve(id, HOUR_MS)).toThrow(expect.objectContaining({ code: 'ALARM_NOT_FOUND' }));
  });

  it('shelves a stale alarm like any other', () => {
    const d = driver(aConfig([aRoom({ counterIds: ['pms-01'] })]));
    d.clock.advance(STALE_AFTER_MS + 1);
    d.checkStale();
    d.shelve(d.onlyAlarm().id, HOUR_MS);
    const [back] = d.feed([CLEAN]);
    expect(back!.transitions).toEqual([expect.objectContaining({ kind: 'stale', cause: 'cleared', suppressed: true })]);
  });
});
