// HTTP load generator (child process): N keep-alive connections, each sending GETs back to back for a
// fixed time (a closed loop, like autocannon without pipelining); answers latencies and throughput.
import { Agent, request } from 'node:http';
import { latencySummary, type LatencySummary } from '../stats.ts';
import { serveCommands } from '../worker-process.ts';

export interface HttpLoadCommand {
  readonly type: 'load';
  /** http://127.0.0.1:port */
  readonly baseUrl: string;
  readonly path: string;
  readonly connections: number;
  readonly durationMs: number;
  /** Requests before this are sent but not counted (caches, JIT, connection set-up). */
  readonly warmupMs: number;
  /** Sent with every request, say an Authorization header. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpLoadResult extends LatencySummary {
  readonly requestsPerSecond: number;
  /** Counted requests (after the warm-up). */
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly bytesPerResponse: number;
}

function getOnce(agent: Agent, url: URL, headers: Readonly<Record<string, string>>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent, method: 'GET', headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

async function runLoad(command: HttpLoadCommand): Promise<HttpLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: command.connections, maxFreeSockets: command.connections });
  const url = new URL(command.path, command.baseUrl);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const countFrom = started + command.warmupMs;
  const end = countFrom + command.durationMs;
  const connection = async (): Promise<void> => {
    // A request slower than the whole run still gets counted once, so a slow endpoint shows as slow.
    while (performance.now() < end || latencies.length === 0) {
      const sent = performance.now();
      try {
        const { status, bytes: size } = await getOnce(agent, url, command.headers ?? {});
        if (sent < countFrom) continue;
        latencies.push(performance.now() - sent);
        bytes += size;
        if (status < 200 || status > 299) non2xx++;
      } catch {
        if (sent >= countFrom) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: command.connections }, connection));
  const elapsedMs = performance.now() - countFrom;
  agent.destroy();
  return {
    ...latencySummary(latencies),
    requestsPerSecond: latencies.length / (elapsedMs / 1000),
    requests: latencies.length,
    non2xx,
    errors,
    elapsedMs,
    bytesPerResponse: latencies.length ? Math.round(bytes / latencies.length) : 0,
  };
}

serveCommands(async (command) => {
  if (command.type === 'load') return runLoad(command as unknown as HttpLoadCommand);
  throw new Error(`unknown command ${String(command.type)}`);
});
