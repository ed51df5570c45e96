// A real InfluxDB 1.6 server for integration tests: own TOML config, free ports and temp dir, with
// the v2-write proxy in front (the adapter writes through /api/v2/write). Removed on stop().
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { startInfluxV2WriteProxy } from './influx-v2-write-proxy.ts';
import { createManagedProcess, findExecutable, type ManagedProcess } from './managed-process.ts';

const PORT_ATTEMPTS = 3;
const PROBE_TIMEOUT_MS = 2_000;
/** Several test files start influxd at once; on a busy machine start-up takes a while. */
const START_TIMEOUT_MS = 60_000;

export interface InfluxdOptions {
  /** Created at start-up; default "k14_test". */
  readonly database?: string;
}

export interface RunningInfluxd {
  /** The v2-write proxy in front of influxd: the url to give a store adapter. */
  readonly url: string;
  /** influxd itself (1.x API only: /write, /query, /ping). */
  readonly directUrl: string;
  readonly database: string;
  readonly dataDir: string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Writes line protocol straight to influxd (ns precision); throws with the server's message unless 204. */
  writeLines(database: string, lines: string): Promise<void>;
  /** Runs InfluxQL straight against influxd; throws unless every statement succeeded. */
  query(influxql: string, database?: string): Promise<unknown>;
  /** Stops influxd and the proxy for good and removes the temp dir. */
  stop(): Promise<void>;
  /** Sends a signal; SIGSTOP/SIGCONT pause and resume, any other resolves once influxd has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts influxd again after kill(), same port and data; no-op while running. */
  start(): Promise<void>;
  /** SIGTERM then start again on the same port and data. */
  restart(): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers (a hung server). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  outputTail(): string;
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<RunningInfluxd> {
  const executable = findExecutable('influxd');
  if (executable === undefined) throw new Error('influxd is not installed: run bash scripts/ensure-system-deps.sh');
  const database = options.database ?? 'k14_test';
  const root = await mkdtemp(join(tmpdir(), 'k14-influxd-'));
  try {
    const { httpPort, server } = await startOnFreePorts(executable, root);
    const directUrl = `http://127.0.0.1:${httpPort}`;
    const query = (influxql: string, db?: string): Promise<unknown> => runQuery(directUrl, influxql, db);
    await query(createDatabaseStatement(database));
    const proxy = await startInfluxV2WriteProxy({ targetUrl: directUrl });
    return {
      url: proxy.url,
      directUrl,
      database,
      dataDir: root,
      createDatabase: async (name) => void (await query(createDatabaseStatement(name))),
      dropDatabase: async (name) => void (await query(`DROP DATABASE ${quoteIdentifier(name)}`)),
      writeLines: (db, lines) => writeLines(directUrl, db, lines),
      query,
      stop: async () => {
        await proxy.stop();
        await server.stop();
        await rm(root, { recursive: true, force: true });
      },
      kill: (signal) => server.kill(signal),
      start: () => server.start(),
      restart: async () => {
        await server.stop();
        await server.start();
      },
      pause: () => server.kill('SIGSTOP'),
      resume: () => server.kill('SIGCONT'),
      outputTail: () => server.outputTail(),
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function startOnFreePorts(executable: string, root: string): Promise<{ httpPort: number; server: ManagedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const httpPort = await freePort();
    const rpcPort = await freePort();
    const configFile = join(root, 'influxd.conf');
    await writeFile(configFile, influxdConfig(root, httpPort, rpcPort));
    const server = createManagedProcess({
      name: 'influxd',
      executable,
      args: ['-config', configFile],
      cwd: root,
      startTimeoutMs: START_TIMEOUT_MS,
      isReady: (pid) => answersAs(`http://127.0.0.1:${httpPort}`, pid),
    });
    try {
      await server.start();
      return { httpPort, server };
    } catch (error) {
      const portTaken = server.outputTail().includes('address already in use');
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

function influxdConfig(root: string, httpPort: number, rpcPort: number): string {
  const path = (name: string): string => JSON.stringify(join(root, name));
  return `# Written by test/harness/influxd.ts for one test run.
reporting-disabled = true
# The RPC (backup/restore) service defaults to :8088 and would clash between parallel instances.
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = ${path('meta')}
  logging-enabled = false

[data]
  dir = ${path('data')}
  wal-dir = ${path('wal')}
  query-log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false

[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false

[logging]
  level = "warn"
  suppress-logo = true
`;
}

/** /ping answers 204 and the server's own diagnostics name our child's pid. */
async function answersAs(directUrl: string, pid: number): Promise<boolean> {
  const ping = await fetch(`${directUrl}/ping`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  await ping.body?.cancel();
  if (ping.status !== 204) return false;
  const body = await runQuery(directUrl, "SHOW DIAGNOSTICS FOR 'system'");
  return JSON.stringify(body).includes(`[[${pid},`);
}

async function runQuery(directUrl: string, influxql: string, database?: string): Promise<unknown> {
  const form = new URLSearchParams({ q: influxql });
  if (database !== undefined) form.set('db', database);
  const response = await fetch(`${directUrl}/query`, { method: 'POST', body: form, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS * 5) });
  const text = await response.text();
  const body: unknown = response.ok ? JSON.parse(text) : undefined;
  if (body === undefined || statementFailed(body)) throw new Error(`influxd refused ${influxql}: HTTP ${response.status} ${text}`);
  return body;
}

function statementFailed(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || !('results' in body) || !Array.isArray(body.results)) return true;
  return body.results.some((result: unknown) => typeof result === 'object' && result !== null && 'error' in result);
}

async function writeLines(directUrl: string, database: string, lines: string): Promise<void> {
  const params = new URLSearchParams({ db: database, precision: 'n' });
  const response = await fetch(`${directUrl}/write?${params.toString()}`, { method: 'POST', body: lines, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS * 5) });
  const text = await response.text();
  if (response.status !== 204) throw new Error(`influxd refused the write: HTTP ${response.status} ${text}`);
}

/** An InfluxQL double-quoted identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Year-long shard groups, as the production bucket is set up: with InfluxDB's default 7-day groups a
 * decade of rollups spans ~600 shards and every long-range sum pays for each (≈ 215 ms instead of 17 ms).
 */
function createDatabaseStatement(name: string): string {
  return `CREATE DATABASE ${quoteIdentifier(name)} WITH SHARD DURATION 52w`;
}

