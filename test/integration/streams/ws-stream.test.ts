// /ws over a real socket: live events in id order, replay by last event id on reconnect (also across
// an API restart with the file log), channel filtering, and malformed messages answered, not fatal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../../api/streams/event-hub.ts';
import { FileEventLog } from '../../../api/streams/file-event-log.ts';
import { startStreamServer, TestClient, type StreamServer } from './stream-harness.ts';

describe('websocket stream /ws', () => {
  const servers: StreamServer[] = [];
  const clients: TestClient[] = [];
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const server of servers.splice(0)) await server.close();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function server(...args: Parameters<typeof startStreamServer>) {
    const s = await startStreamServer(...args);
    servers.push(s);
    return s;
  }
  async function client(s: StreamServer) {
    const c = await TestClient.connect(s.url);
    clients.push(c);
    return c;
  }

  it('sends a subscribed reply, then live events of the subscribed channels in id order', async () => {
    const s = await server();
    s.hub.publish('alarms', 'raised', { alarmId: 'before' });
    const c = await client(s);
    expect(await c.subscribe(['alarms', 'water'])).toEqual({ type: 'subscribed', channels: ['alarms', 'water'], added: ['alarms', 'water'], lastEventId: 1, replayComplete: true, replayed: 0 });
    s.hub.publish('alarms', 'raised', { alarmId: 'a1' });
    s.hub.publish('samples:r1', 'sample', { pm05: 12 });
    s.hub.publish('water', 'kpis', { recyclingRate: 0.7 });
    s.hub.publish('alarms', 'cleared', { alarmId: 'a1' });
    await c.waitFor(() => (c.events().length === 3 ? true : undefined), 'three events');
    expect(c.events().map((e) => [e.id, e.channel, e.type])).toEqual([
      [2, 'alarms', 'raised'],
      [4, 'water', 'kpis'],
      [5, 'alarms', 'cleared'],
    ]);
    expect(c.events()[0]).toMatchObject({ data: { alarmId: 'a1' }, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('on reconnect with `after` sends exactly the missed events, then live ones', async () => {
    const s = await server();
    const first = await client(s);
    await first.subscribe(['alarms', 'samples:*']);
    for (const room of ['r1', 'r2']) s.hub.publish(`samples:${room}`, 'sample', {});
    await first.waitFor(() => first.events().at(-1), 'the first events');
    const lastSeen = first.events().at(-1)!.id;
    await first.close();

    s.hub.publish('alarms', 'raised', { alarmId: 'a1' });
    s.hub.publish('water', 'kpis', {});
    s.hub.publish('samples:r1', 'sample', {});
    const second = await client(s);
    const subscribed = await second.subscribe(['alarms', 'samples:*'], lastSeen);
    expect(subscribed).toMatchObject({ lastEventId: 5, replayComplete: true, replayed: 2 });
    s.hub.publish('alarms', 'cleared', { alarmId: 'a1' });
    await second.waitFor(() => (second.events().length === 3 ? true : undefined), 'replay and live');
    expect(second.messages.map((m) => m.type)).toEqual(['subscribed', 'event', 'event', 'event']);
    expect(second.events().map((e) => e.id)).toEqual([3, 5, 6]);
  });

  it('says the replay is incomplete when `after` is older than the kept history', async () => {
    const s = await server({ hub: new EventHub({ historyLimit: 3 }) });
    for (let i = 0; i < 10; i += 1) s.hub.publish('water', 'kpis', { i });
    const c = await client(s);
    expect(await c.subscribe(['water'], 2)).toMatchObject({ replayComplete: false, replayed: 3, lastEventId: 10 });
    await c.waitFor(() => (c.events().length === 3 ? true : undefined), 'the kept events');
    expect(c.events().map((e) => e.id)).toEqual([8, 9, 10]);
  });

  it('replays alarms raised while the API was down, by last event id, from the file log', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k14-ws-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const start = async () => {
      const log = new FileEventLog({ dir });
      log.start();
      cleanups.push(() => log.stop());
      return { log, s: await server({ hub: new EventHub({ persistence: log }) }) };
    };
    const before = await start();
    const c1 = await client(before.s);
    await c1.subscribe(['alarms']);
    before.s.hub.publish('alarms', 'raised', { alarmId: 'a1' });
    await c1.waitFor(() => c1.events()[0], 'the first alarm');
    const lastSeen = c1.events()[0]!.id;
    await c1.close();
    before.s.hub.publish('alarms', 'acknowledged', { alarmId: 'a1' });
    before.s.hub.publish('samples:r1', 'sample', {});
    await before.s.close();
    before.log.stop();

    const after = await start();
    const c2 = await client(after.s);
    expect(await c2.subscribe(['alarms'], lastSeen)).toMatchObject({ replayComplete: true, replayed: 1 });
    after.s.hub.publish('alarms', 'cleared', { alarmId: 'a1' });
    await c2.waitFor(() => (c2.events().length === 2 ? true : undefined), 'replay then live');
    expect(c2.events().map((e) => e.type)).toEqual(['acknowledged', 'cleared']);
    expect(c2.events()[1]!.id).toBeGreaterThan(c2.events()[0]!.id);
  });

  it('filters by channel, wildcards included, and stops after unsubscribe', async () => {
    const s = await server();
    const c = await client(s);
    await c.subscribe(['samples:*']);
    s.hub.publish('samples:r1', 'sample', {});
    s.hub.publish('alarms', 'raised', {});
    s.hub.publish('samples:r2', 'sample', {});
    await c.barrier();
    expect(c.events().map((e) => e.channel)).toEqual(['samples:r1', 'samples:r2']);
    c.send({ type: 'unsubscribe', channels: ['samples:*'] });
    await c.waitFor(() => c.ofType('unsubscribed')[0], 'unsubscribed');
    expect(c.ofType('unsubscribed')[0]).toEqual({ type: 'unsubscribed', channels: [] });
    s.hub.publish('samples:r1', 'sample', {});
    await c.barrier();
    expect(c.events()).toHaveLength(2);
  });

  it('answers malformed messages with an error and keeps the connection usable', async () => {
    const s = await server();
    const c = await client(s);
    c.send('not json');
    c.send({ type: 'subscribe', channels: 'alarms' });
    c.send({ type: 'subscribe', channels: ['alarms'], afterId: 3 });
    c.send({ type: 'subscribe', channels: ['no spaces'] });
    c.send({ type: 'launch' });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.waitFor(() => (c.ofType('error').length === 6 ? true : undefined), 'six errors');
    expect(c.ofType('error').map((m) => m.code)).toEqual(['INVALID_JSON', 'INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE', 'UNKNOWN_MESSAGE_TYPE', 'BINARY_NOT_SUPPORTED']);
    expect(c.ofType('error')[2]!.message).toMatch(/afterId/);
    expect(c.closed).toBeUndefined();
    await c.subscribe(['alarms']);
    s.hub.publish('alarms', 'raised', {});
    await c.waitFor(() => c.events()[0], 'an event after the errors');
  });
});
