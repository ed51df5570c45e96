// Load generators and probes run as child processes (node + tsx, IPC channel), so their CPU is not
// the server's: the parent sends commands, each answered once by id. Both ends live here.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Envelope {
  readonly id: number;
  readonly command: unknown;
}

type Reply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export interface WorkerProcess {
  readonly pid: number | undefined;
  /** Sends a command; resolves with the worker's answer, rejects with its error or when it dies. */
  request<T>(command: object): Promise<T>;
  /** Sends a command that gets no answer (say "stop" to a loop that is still running a request). */
  notify(command: object): void;
  /** Disconnects and waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Forks `bench/load/<file>` with tsx; `execArgv` adds node flags (say --cpu-prof). */
export function startWorker(file: string, execArgv: readonly string[] = []): WorkerProcess {
  const path = fileURLToPath(new URL(`./load/${file}`, import.meta.url));
  const child: ChildProcess = fork(path, [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: Reply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${file}: ${message.error}`));
  });
  child.once('exit', (code, signal) => {
    exited = true;
    for (const waiter of pending.values()) waiter.reject(new Error(`${file} exited (${signal ?? code}) before answering`));
    pending.clear();
  });
  return {
    pid: child.pid,
    request: <T>(command: object) =>
      new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${file} is not running`));
        const id = nextId++;
        pending.set(id, { resolve: (value) => resolve(value as T), reject });
        child.send({ id, command } satisfies Envelope);
      }),
    notify: (command) => {
      if (!exited) child.send({ id: 0, command } satisfies Envelope);
    },
    stop: async () => {
      if (exited) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/**
 * The worker side: answers each command with `handle`'s result. Commands run concurrently, so a
 * "stop" notification reaches a loop that is still running. The worker exits when the parent goes.
 */
export function serveCommands(handle: (command: Record<string, unknown>) => Promise<unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Envelope) => {
    const command = (typeof message.command === 'object' && message.command !== null ? message.command : {}) as Record<string, unknown>;
    handle(command).then(
      (result) => message.id !== 0 && process.send?.({ id: message.id, ok: true, result } satisfies Reply),
      (error: unknown) => message.id !== 0 && process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies Reply),
    );
  });
}
