// Polls a check until it yields a value or a deadline passes: tests wait for conditions, never for
// a fixed time. An abort signal ends the wait early (say the process we wait for has exited).

export interface PollOptions {
  /** What we wait for, for the timeout message ("influxd to answer /ping"). */
  readonly description: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Resolves with the first value of `check` that is not undefined. A check that throws counts as
 * "not yet"; its last error is quoted when the deadline passes.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined> | T | undefined, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    options.signal?.throwIfAborted();
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description}${why}`, { cause: lastError });
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())), options.signal);
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
