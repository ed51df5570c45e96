// Ingest or the API as a real child process (`node --import tsx ingest/main.ts`, configured by env as
// in production), with what the fault scenarios need: signals, exit timing, /metrics scraping and
// resident memory sampled from /proc/<pid>/status.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '../../harness/poll-until.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const OUTPUT_TAIL_CHARS = 16_384;

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the signal sent (or spawn) to the exit. */
  readonly afterMs: number;
}

export interface NodeServiceOptions {
  /** For messages: "ingest", "api". */
  readonly name: string;
  /** Entry point relative to the repository root, e.g. "ingest/main.ts". */
  readonly entry: string;
  /** Node.js flags before the entry (ingest: INGEST_NODE_FLAGS, as deployed). */
  readonly nodeFlags?: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** GET url answering 2xx once the service is up. */
  readonly readyUrl: string;
  /** Echo the child's stderr into the test output. */
  readonly echo?: boolean;
}

export class NodeService {
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> | undefined;
  private signalledAt = 0;
  private output = '';
  /** Exits seen so far, with how they ended. */
  readonly exits: ExitInfo[] = [];
  starts = 0;

  constructor(readonly options: NodeServiceOptions) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns without waiting for readiness (a SIGKILL loop kills it wherever start-up got to). */
  spawn(): void {
    if (this.running) throw new Error(`${this.options.name} is already running`);
    const child = spawn(process.execPath, [...(this.options.nodeFlags ?? []), '--import', 'tsx', this.options.entry], { cwd: ROOT, env: this.options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.starts++;
    this.signalledAt = Date.now();
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output = (this.output + chunk).slice(-OUTPUT_TAIL_CHARS);
      if (this.options.echo) process.stderr.write(`[${this.options.name} ${child.pid}] ${chunk}`);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const info = { code, signal, afterMs: Date.now() - this.signalledAt };
        this.exits.push(info);
        resolve(info);
      });
    });
  }

  /** Spawns and waits until readyUrl answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.spawn();
    const child = this.child!;
    await pollUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.options.name} exited during start-up:\n${this.output}`);
        const response = await fetch(this.options.readyUrl, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { description: `${this.options.name} to answer ${this.options.readyUrl}`, timeoutMs, intervalMs: 100 },
    ).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${this.options.name} output:\n${this.output}`);
    });
  }

  /** Sends a signal and resolves once the process has exited (rejects after timeoutMs). */
  async signal(signal: NodeJS.Signals, timeoutMs = 60_000): Promise<ExitInfo> {
    const child = this.child;
    if (!child || !this.running || !this.exited) throw new Error(`${this.options.name} is not running`);
    this.signalledAt = Date.now();
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.options.name} did not exit within ${timeoutMs} ms of ${signal}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops it for good at the end of a test: SIGTERM, SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (!this.running) return;
    try {
      await this.signal('SIGTERM', 35_000);
    } catch {
      if (this.running) await this.signal('SIGKILL');
    }
  }

  outputTail(): string {
    return this.output;
  }

  /** Resident memory now and its peak over this process's life, in MiB (VmRSS, VmHWM). */
  memoryMiB(): { rss: number; peak: number } | undefined {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (field: string) => Number(/^(\w+):\s+(\d+) kB/m.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[2] ?? NaN);
      return { rss: kib('VmRSS:') / 1024, peak: kib('VmHWM:') / 1024 };
    } catch {
      return undefined;
    }
  }
}

/** Prometheus text → value by series ("name" or "name{labels}" as rendered). */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  const text = await response.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

/** Sum of every series of a metric family (all label sets). */
export function metricSum(values: ReadonlyMap<string, number>, name: string): number {
  let sum = 0;
  for (const [series, value] of values) if (series === name || series.startsWith(`${name}{`)) sum += value;
  return sum;
}
