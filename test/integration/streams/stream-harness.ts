// Test harness for /ws: a real fastify server on 127.0.0.1:0 with the stream routes, and a ws client
// that records every message and close so tests can poll for conditions instead of sleeping.
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import WebSocket, { type ClientOptions } from 'ws';
import { EventHub } from '../../../api/streams/event-hub.ts';
import type { StreamEvent } from '../../../api/streams/stream-event.ts';
import { streamRoutes, type StreamRoutesOptions } from '../../../api/streams/stream-routes.ts';
import { StreamStats } from '../../../api/streams/stream-stats.ts';
import { pollUntil } from '../../harness/poll-until.ts';

export interface ServerMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface StreamServer {
  readonly app: FastifyInstance;
  readonly hub: EventHub;
  readonly stats: StreamStats;
  readonly url: string;
  close(): Promise<void>;
}

export async function startStreamServer(options: Partial<StreamRoutesOptions> = {}): Promise<StreamServer> {
  const hub = options.hub ?? new EventHub();
  const stats = options.stats ?? new StreamStats();
  // Built like buildApi builds the real app: zod type provider and compilers.
  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(streamRoutes, { ...options, hub, stats });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  return { app, hub, stats, url: `ws://127.0.0.1:${address.port}/ws`, close: () => app.close() };
}

export class TestClient {
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  pings = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as ServerMessage));
    ws.on('ping', () => (this.pings += 1));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => {});
  }

  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Subscribes and waits for the `subscribed` answer. */
  async subscribe(channels: string[], after?: number): Promise<ServerMessage> {
    const before = this.ofType('subscribed').length;
    this.send({ type: 'subscribe', channels, ...(after === undefined ? {} : { after }) });
    return this.waitFor(() => this.ofType('subscribed')[before], 'a subscribed reply');
  }

  /** A round trip through the server: everything queued for this client before it is received. */
  async barrier(): Promise<void> {
    const id = `barrier-${this.messages.length}-${Math.random()}`;
    this.send({ type: 'ping', id });
    await this.waitFor(() => this.messages.find((m) => m.type === 'pong' && m.id === id), 'a pong');
  }

  ofType(type: string): ServerMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  events(): StreamEvent[] {
    return this.ofType('event').map((m) => m.event as StreamEvent);
  }

  waitFor<T>(check: () => T | undefined, description: string, timeoutMs = 5_000): Promise<T> {
    return pollUntil(check, { description, timeoutMs, intervalMs: 5 });
  }

  waitForClose(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.closed, 'the socket to close', timeoutMs);
  }

  /** Stops reading from the TCP socket, as a stalled browser tab or a saturated link would. */
  stall(): void {
    this.rawSocket().pause();
  }

  resume(): void {
    this.rawSocket().resume();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close();
    await this.waitForClose(2_000).catch(() => {
      this.ws.terminate();
      return this.waitForClose(2_000);
    });
  }

  private rawSocket(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }
}
