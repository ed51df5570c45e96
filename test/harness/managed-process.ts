// A service process the tests start (mosquitto, influxd): spawn, wait until it answers, signal, stop.
// Its output is kept as a bounded tail for error messages and never echoed into the test log.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pollUntil } from './poll-until.ts';

const OUTPUT_TAIL_CHARS = 16_384;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/** Signals after which the process lives on, so kill() must not wait for an exit. */
const NON_TERMINATING_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGSTOP', 'SIGTSTP', 'SIGCONT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']);

// A worker that crashes, is killed or forgets stop() must not leave daemons holding ports: children
// get SIGKILL when the test process dies (setpriv's parent-death signal, util-linux, Linux only),
// and an exit hook covers an orderly exit where setpriv is missing.
const SETPRIV = findExecutable('setpriv');
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const orphan of liveChildren) orphan.kill('SIGKILL');
  });
}

export interface ManagedProcessOptions {
  /** For messages: "mosquitto", "influxd". */
  readonly name: string;
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /**
   * True once the service answers, and answers as this very process (pid is the child's): another
   * test's server may have grabbed the same free port first.
   */
  readonly isReady: (pid: number, outputTail: string) => Promise<boolean> | boolean;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Spawns and waits until ready; throws with the output tail when it exits or times out first. No-op when running. */
  start(): Promise<void>;
  /** SIGTERM (continuing it first if paused), SIGKILL after stopTimeoutMs; resolves once exited. No-op when not running. */
  stop(): Promise<void>;
  /** Sends a signal. Pause/continue signals resolve at once, any other once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The last few kB of stdout and stderr of the current (or last) run. */
  outputTail(): string;
}

/** Absolute path of an executable on PATH or in the sbin directories Debian puts daemons in. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function createManagedProcess(options: ManagedProcessOptions): ManagedProcess {
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  let child: ChildProcess | undefined;
  let exited: Promise<string> = Promise.resolve('not started');
  let alive = false;
  let output = '';

  const append = (chunk: string): void => {
    output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
  };

  const waitForExit = async (): Promise<void> => {
    const current = child;
    if (!alive || current === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
    });
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      current.kill('SIGKILL');
      await exited;
    }
  };

  const spawnChild = (): ChildProcess => {
    output = '';
    // setpriv execs the daemon, so the pid stays the daemon's own.
    const [command, args] =
      SETPRIV === undefined ? [options.executable, options.args] : [SETPRIV, ['--pdeathsig', 'KILL', '--', options.executable, ...options.args]];
    const spawned = spawn(command, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.stdout?.setEncoding('utf8').on('data', append);
    spawned.stderr?.setEncoding('utf8').on('data', append);
    alive = true;
    exited = new Promise((resolve) => {
      spawned.once('exit', (code, signal) => {
        alive = false;
        resolve(signal === null ? `exit code ${code}` : `signal ${signal}`);
      });
      spawned.once('error', (error) => {
        alive = false;
        resolve(`spawn error: ${error.message}`);
      });
    });
    track(spawned);
    return spawned;
  };

  const start = async (): Promise<void> => {
    if (alive) return;
    const spawned = spawnChild();
    child = spawned;
    const exitedEarly = new AbortController();
    void exited.then((how) => {
      exitedEarly.abort(new Error(`${options.name} exited during start-up (${how}); its output:\n${output}`));
    });
    try {
      await pollUntil(
        async () => {
          if (spawned.pid === undefined) return undefined;
          return (await options.isReady(spawned.pid, output)) ? true : undefined;
        },
        { description: `${options.name} to answer`, timeoutMs: startTimeoutMs, signal: exitedEarly.signal },
      );
    } catch (error) {
      if (alive) {
        spawned.kill('SIGKILL');
        await exited;
      }
      if (exitedEarly.signal.aborted && exitedEarly.signal.reason instanceof Error) throw exitedEarly.signal.reason;
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}; ${options.name} output:\n${output}`, { cause: error });
    }
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (!alive || current === undefined) return;
    current.kill(signal);
    if (NON_TERMINATING_SIGNALS.has(signal)) return;
    // A paused process would hold a terminating signal (other than SIGKILL) until continued.
    if (signal !== 'SIGKILL') current.kill('SIGCONT');
    await waitForExit();
  };

  return {
    name: options.name,
    get pid() {
      return alive ? child?.pid : undefined;
    },
    get running() {
      return alive;
    },
    start,
    stop: () => kill('SIGTERM'),
    kill,
    outputTail: () => output,
  };
}
