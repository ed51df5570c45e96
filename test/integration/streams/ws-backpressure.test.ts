// Slow consumers and heartbeats: a client that stops reading is buffered up to the bound, then
// dropped with 4008 and a reason, while publishing never waits; a client that stops answering pings
// is closed; a live one gets heartbeats.
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import { startStreamServer, TestClient, type StreamServer } from './stream-harness.ts';

describe('websocket stream /ws under pressure', () => {
  const servers: StreamServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients) c.resume();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const server of servers.splice(0)) await server.close();
  });

  async function server(...args: Parameters<typeof startStreamServer>) {
    const s = await startStreamServer(...args);
    servers.push(s);
    return s;
  }
  async function client(s: StreamServer, options: ClientOptions = {}) {
    const c = await TestClient.connect(s.url, options);
    clients.push(c);
    return c;
  }

  it('drops a stalled client with 4008 while 100k publishes go on undisturbed', async () => {
    const s = await server();
    const stalled = await client(s);
    await stalled.subscribe(['samples:*']);
    stalled.stall();
    const payload = { roomId: 'r1', pm05PerM3: 1234, pm5PerM3: 5, flowLpm: 28.3 };
    const started = performance.now();
    for (let i = 0; i < 100_000; i += 1) s.hub.publish('samples:r1', 'sample', payload);
    const elapsedMs = performance.now() - started;
    console.info(`100k publishes with a stalled client: ${elapsedMs.toFixed(1)} ms (${((elapsedMs * 1000) / 100_000).toFixed(2)} µs/event)`);
    expect(elapsedMs).toBeLessThan(2_000);
    await stalled.waitFor(() => (s.stats.droppedFor('slow_consumer') === 1 ? true : undefined), 'the server to drop the client');
    stalled.resume();
    expect(await stalled.waitForClose()).toEqual({ code: 4008, reason: 'slow consumer' });
    expect(stalled.messages.at(-1)).toEqual({ type: 'dropped', reason: 'slow consumer: 1000 messages queued, 0 bytes buffered' });
    await stalled.waitFor(() => (s.stats.connected === 0 ? true : undefined), 'the session to end');
  });

  it('buffers a client that stops reading up to the byte bound, drops it, and keeps serving the others', async () => {
    const s = await server({ maxBufferedBytes: 256 * 1024, maxQueuedMessages: 500 });
    const healthy = await client(s);
    const stalled = await client(s);
    await healthy.subscribe(['water']);
    await stalled.subscribe(['water']);
    stalled.stall();
    const data = { kpis: 'x'.repeat(1024) };
    let published = 0;
    let slowestBatchMs = 0;
    const deadline = Date.now() + 20_000;
    while (s.stats.droppedFor('slow_consumer') === 0 && Date.now() < deadline) {
      const started = performance.now();
      for (let i = 0; i < 100; i += 1) s.hub.publish('water', 'kpis', data);
      slowestBatchMs = Math.max(slowestBatchMs, performance.now() - started);
      published += 100;
      await nextTurn();
    }
    console.info(`stalled client dropped after ${published} events of ~1.1 kB; slowest batch of 100 publishes ${slowestBatchMs.toFixed(2)} ms`);
    expect(s.stats.droppedFor('slow_consumer')).toBe(1);
    expect(slowestBatchMs).toBeLessThan(50);
    await healthy.waitFor(() => (healthy.events().length === published ? true : undefined), 'the healthy client to get everything', 20_000);
    const ids = healthy.events().map((e) => e.id);
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
    expect(healthy.closed).toBeUndefined();

    stalled.resume();
    expect(await stalled.waitForClose(20_000)).toMatchObject({ code: 4008 });
    expect(stalled.messages.at(-1)).toMatchObject({ type: 'dropped', reason: expect.stringMatching(/^slow consumer: 500 messages queued, \d+ bytes buffered$/) });
    expect(stalled.events().length).toBeLessThan(published);
  });

  it('sends heartbeats and pings to a live client and keeps it', async () => {
    const s = await server({ heartbeatIntervalMs: 40 });
    const c = await client(s);
    await c.waitFor(() => (c.ofType('heartbeat').length >= 4 ? true : undefined), 'four heartbeats');
    expect(c.pings).toBeGreaterThanOrEqual(3);
    expect(c.ofType('heartbeat')[0]).toEqual({ type: 'heartbeat', at: expect.any(String), lastEventId: 0 });
    expect(c.closed).toBeUndefined();
    expect(s.stats.droppedTotal).toBe(0);
  });

  it('closes a client that does not answer pings within two intervals', async () => {
    const s = await server({ heartbeatIntervalMs: 40 });
    const c = await client(s, { autoPong: false });
    const closed = await c.waitForClose();
    expect(closed.code).toBe(1006);
    expect(c.pings).toBe(2);
    expect(s.stats.droppedFor('heartbeat_timeout')).toBe(1);
  });
});
