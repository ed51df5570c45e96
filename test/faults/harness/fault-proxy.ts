// A TCP proxy of the harness's own, between ingest and a service (broker, InfluxDB), that injects
// network faults: stall (connections stay open, no byte moves either way), refuse (new connections
// are reset at once) and reset (every open connection gets a TCP RST on both sides).
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'stall' | 'refuse';

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

export interface FaultProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections accepted so far (a reconnect shows as one more). */
  readonly accepted: number;
  readonly open: number;
  setMode(mode: ProxyMode): void;
  /** RST on both sides of every open connection; returns how many were reset. */
  resetAll(): number;
  stop(): Promise<void>;
}

export async function startFaultProxy(options: { targetPort: number; targetHost?: string }): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'pass';
  let accepted = 0;
  const server: Server = createServer({ noDelay: true }, (client) => {
    accepted++;
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ port: options.targetPort, host: options.targetHost ?? '127.0.0.1', noDelay: true });
    const pair = { client, upstream };
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === 'stall') pausePair(pair);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    setMode(next) {
      mode = next;
      for (const pair of pairs) (next === 'stall' ? pausePair : resumePair)(pair);
    },
    resetAll() {
      const n = pairs.size;
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
      }
      return n;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

// Unpiping alone would not stop a piped stream; pausing both readers leaves the bytes in the kernel
// buffers, as a hung middlebox or a full link does.
const paused = new WeakSet<Pair>();

function pausePair(pair: Pair): void {
  if (paused.has(pair)) return;
  paused.add(pair);
  pair.client.unpipe(pair.upstream);
  pair.upstream.unpipe(pair.client);
  pair.client.pause();
  pair.upstream.pause();
}

function resumePair(pair: Pair): void {
  if (!paused.delete(pair) || pair.client.destroyed || pair.upstream.destroyed) return;
  pair.client.pipe(pair.upstream);
  pair.upstream.pipe(pair.client);
  pair.client.resume();
  pair.upstream.resume();
}
