// /ws access and operations: authorize() null closes with 4401, a role reads only what it may (also
// through wildcards), metrics reach the Prometheus registry, and closing the app closes clients.
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelAccess } from '../../../api/streams/client-session.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import { startStreamServer, TestClient, type StreamServer } from './stream-harness.ts';

// A stand-in for the security issue's role check: a bearer token picks the role.
async function tokenAuth(request: FastifyRequest): Promise<ChannelAccess | null> {
  const token = new URL(request.url, 'http://x').searchParams.get('token');
  if (token === 'operator') return { canRead: () => true };
  if (token === 'visitor') return { canRead: (channel) => channel === 'water' || (channel.startsWith('samples:') && channel !== 'samples:secret-lab') };
  return null;
}

describe('websocket stream /ws access and operations', () => {
  const servers: StreamServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const server of servers.splice(0)) await server.close();
  });

  async function server(...args: Parameters<typeof startStreamServer>) {
    const s = await startStreamServer(...args);
    servers.push(s);
    return s;
  }
  async function client(s: StreamServer, query = '') {
    const c = await TestClient.connect(s.url + query);
    clients.push(c);
    return c;
  }

  it('closes with 4401 when authorize returns null', async () => {
    const s = await server({ authorize: tokenAuth });
    const c = await client(s, '?token=stolen');
    c.send({ type: 'subscribe', channels: ['alarms'] });
    expect(await c.waitForClose()).toEqual({ code: 4401, reason: 'unauthorized' });
    expect(c.messages).toEqual([]);
    expect(s.stats.unauthorisedTotal).toBe(1);
  });

  it('closes with 1011 when authorize fails', async () => {
    const s = await server({ authorize: async () => Promise.reject(new Error('identity provider down')) });
    const c = await client(s);
    expect(await c.waitForClose()).toEqual({ code: 1011, reason: 'authorisation failed' });
  });

  it('handles messages sent before an authorisation that takes its time', async () => {
    const s = await server({ authorize: async (request) => new Promise((resolve) => setTimeout(() => resolve(tokenAuth(request)), 50)) });
    const c = await client(s, '?token=operator');
    c.send({ type: 'subscribe', channels: ['alarms'] });
    await c.waitFor(() => c.ofType('subscribed')[0], 'the early subscribe to be answered');
    s.hub.publish('alarms', 'raised', {});
    await c.waitFor(() => c.events()[0], 'an alarm');
  });

  it('streams only what the role may read', async () => {
    const s = await server({ authorize: tokenAuth });
    const c = await client(s, '?token=visitor');
    c.send({ type: 'subscribe', channels: ['water', 'alarms'] });
    const refused = await c.waitFor(() => c.ofType('error')[0], 'a refusal');
    expect(refused).toEqual({ type: 'error', code: 'FORBIDDEN', message: 'not allowed to read alarms' });
    await c.subscribe(['water', 'samples:*']);
    for (const channel of ['alarms', 'samples:r1', 'samples:secret-lab', 'water']) s.hub.publish(channel, 'test', {});
    await c.barrier();
    expect(c.events().map((e) => e.channel)).toEqual(['samples:r1', 'water']);
    const replay = await client(s, '?token=visitor');
    expect(await replay.subscribe(['samples:*'], 0)).toMatchObject({ replayed: 1 });
    await replay.waitFor(() => replay.events()[0], 'the replay');
    expect(replay.events().map((e) => e.channel)).toEqual(['samples:r1']);
  });

  it('exports connected clients and drops to the Prometheus registry', async () => {
    const registry = new MetricsRegistry();
    const s = await server({ registry, maxQueuedMessages: 10 });
    const c = await client(s);
    await c.subscribe(['water']);
    await c.waitFor(() => (registry.render().includes('api_ws_clients 1') ? true : undefined), 'the gauge to read 1');
    c.stall();
    for (let i = 0; i < 20; i += 1) s.hub.publish('water', 'kpis', {});
    c.resume();
    await c.waitForClose();
    await c.waitFor(() => (s.stats.connected === 0 ? true : undefined), 'the session to end');
    const text = registry.render();
    expect(text).toContain('api_ws_clients 0');
    expect(text).toContain('api_ws_dropped_total{reason="slow_consumer"} 1');
  });

  it('closes every client with 1001 when the app closes', async () => {
    const s = await startStreamServer();
    const a = await client(s);
    const b = await client(s);
    await a.subscribe(['alarms']);
    await s.close();
    expect(await a.waitForClose()).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await b.waitForClose()).toMatchObject({ code: 1001 });
    expect(s.stats.connected).toBe(0);
  });
});
