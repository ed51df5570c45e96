// @ts-check
// Refreshes that coalesce: a storm of websocket events costs one REST call per interval rather than
// one per event, and a refresh asked for while one runs runs once more after it. A failed refresh is
// tried again soon, rather than leaving a panel blank until its timer comes round (minutes, for some).

/** After a failure: the first retry, doubling up to the last. */
const RETRY_MS = [10_000, 20_000, 60_000];
/**
 * Runs `task` at most once per `minIntervalMs`, and once more after a burst.
 * @param {() => Promise<void>} task
 * @param {number} minIntervalMs
 * @param {(error: unknown) => boolean} onError reports a failed run; true when trying again may help
 * @returns {() => void} asks for a run
 */
export function coalesced(task, minIntervalMs, onError) {
  let running = false;
  let again = false;
  let lastMs = 0;
  let failures = 0;
  const run = async () => {
    running = true;
    again = false;
    lastMs = Date.now();
    try {
      await task();
      failures = 0;
    } catch (error) {
      if (onError(error)) setTimeout(() => schedule(), RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
      failures += 1;
    } finally {
      running = false;
      if (again) schedule();
    }
  };
  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    setTimeout(() => void run(), Math.max(0, lastMs + minIntervalMs - Date.now()));
    running = true;
  };
  return schedule;
}
