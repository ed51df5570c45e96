// /ws authenticates on connect: a key in the Authorization header (programs) or as a
// `k14.bearer.<key>` subprotocol next to `k14.v1` (browsers); no valid key closes with 4401; pr reads
// the water channel only; pages from other origins cannot open it (cross-site websocket hijacking).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_BEARER_PREFIX, WS_PROTOCOL } from '../../../api/auth/api-keys.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { TestClient, type ServerMessage } from '../streams/stream-harness.ts';
import { startSecurityFixture, type SecurityFixture } from './security-fixture.ts';

const keyOf = (f: SecurityFixture, role: 'pr' | 'viewer') => f.headers[role].authorization!.slice('Bearer '.length);

describe('websocket authentication and channel access', () => {
  let f: SecurityFixture;
  let url: string;
  const clients: TestClient[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    f = await startSecurityFixture();
    url = `${(await f.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws')}/ws`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const socket of sockets.splice(0)) socket.terminate();
  });
  afterAll(async () => {
    await f?.close();
  });

  async function client(headers: Record<string, string> = {}): Promise<TestClient> {
    const c = await TestClient.connect(url, { headers });
    clients.push(c);
    return c;
  }

  /** Connects as a browser does: the key as a subprotocol, offered after k14.v1. */
  async function subprotocolClient(bearer: string) {
    const socket = new WebSocket(url, [WS_PROTOCOL, bearer]);
    sockets.push(socket);
    const state = { socket, messages: [] as ServerMessage[], closed: undefined as { code: number; reason: string } | undefined };
    socket.on('message', (data) => state.messages.push(JSON.parse(data.toString()) as ServerMessage));
    socket.on('close', (code, reason) => (state.closed = { code, reason: reason.toString() }));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return state;
  }

  it('closes a connection without a valid key with 4401, before it hears anything', async () => {
    const refused: Array<Record<string, string>> = [{}, { authorization: `Bearer k14_${'C'.repeat(43)}` }];
    for (const headers of refused) {
      const c = await client(headers);
      c.send({ type: 'subscribe', channels: ['water'] });
      expect(await c.waitForClose()).toEqual({ code: 4401, reason: 'unauthorized' });
      expect(c.messages).toEqual([]);
    }
    const browser = await subprotocolClient(`${WS_BEARER_PREFIX}nonsense`);
    expect(await pollUntil(() => browser.closed, { description: 'the close', timeoutMs: 5_000 })).toEqual({ code: 4401, reason: 'unauthorized' });
  });

  it('streams every channel to a viewer authenticated by header', async () => {
    const c = await client(f.headers.viewer);
    await c.subscribe(['alarms', 'water', 'samples:*']);
    for (const channel of ['alarms', 'water', 'samples:mask-line']) f.deps.hub.publish(channel, 'test', {});
    await c.barrier();
    expect(c.events().map((e) => e.channel)).toEqual(['alarms', 'water', 'samples:mask-line']);
  });

  it('takes the key from a subprotocol, answers with k14.v1, and gives pr the water channel only', async () => {
    const { socket, messages } = await subprotocolClient(`${WS_BEARER_PREFIX}${keyOf(f, 'pr')}`);
    expect(socket.protocol).toBe(WS_PROTOCOL);
    socket.send(JSON.stringify({ type: 'subscribe', channels: ['alarms'] }));
    expect(await pollUntil(() => messages.find((m) => m.type === 'error'), { description: 'a refusal', timeoutMs: 5_000 })).toMatchObject({ code: 'FORBIDDEN' });
    socket.send(JSON.stringify({ type: 'subscribe', channels: ['samples:*'] }));
    await pollUntil(() => (messages.filter((m) => m.type === 'error').length === 2 ? true : undefined), { description: 'a second refusal', timeoutMs: 5_000 });
    socket.send(JSON.stringify({ type: 'subscribe', channels: ['*'] }));
    await pollUntil(() => messages.find((m) => m.type === 'subscribed'), { description: 'the wildcard subscription', timeoutMs: 5_000 });
    for (const channel of ['alarms', 'samples:mask-line', 'water']) f.deps.hub.publish(channel, 'test', {});
    socket.send(JSON.stringify({ type: 'ping', id: 'barrier' }));
    await pollUntil(() => messages.find((m) => m.type === 'pong'), { description: 'the pong', timeoutMs: 5_000 });
    expect(messages.filter((m) => m.type === 'event').map((m) => (m.event as { channel: string }).channel)).toEqual(['water']);
  });

  it('refuses the handshake from another origin, and allows its own', async () => {
    await expect(TestClient.connect(url, { headers: { ...f.headers.viewer, origin: 'https://evil.example' } })).rejects.toThrow(/403/);
    const own = await client({ ...f.headers.viewer, origin: new URL(url.replace('ws', 'http')).origin });
    await own.subscribe(['alarms']);
  });
});
