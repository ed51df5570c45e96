// Point times for alarm transitions: InfluxDB identifies a point by series and time, and the audit trail
// is read by time, so transitions of one millisecond need distinct, ordered times.
import type { KeyedTransition } from '../alarm-records.ts';
import { LineProtocolError } from '../influx/line-protocol.ts';

const NS_PER_MS = 1_000_000n;

export interface StoredTransitionTime {
  readonly key: string;
  /** The stored point's time, ns since the epoch. */
  readonly timeNs: bigint;
}

export interface TimedTransition {
  readonly entry: KeyedTransition;
  /** Decimal ns since the epoch. */
  readonly timeNs: string;
}

/**
 * atMs plus an offset in ns, for transitions in save order: a key already stored keeps its time (a
 * re-save overwrites its own point), a new one comes after everything stored in its millisecond.
 */
export function timeTransitions(keyed: readonly KeyedTransition[], stored: readonly StoredTransitionTime[]): TimedTransition[] {
  const storedTimes = new Map(stored.map((s) => [s.key, s.timeNs]));
  const nextOffset = new Map<bigint, bigint>();
  for (const { timeNs } of stored) {
    const ms = floorMs(timeNs);
    const offset = timeNs - ms * NS_PER_MS + 1n;
    if (offset > (nextOffset.get(ms) ?? 0n)) nextOffset.set(ms, offset);
  }
  return keyed.map((entry) => {
    const { key } = entry;
    const { atMs } = entry.transition;
    const known = storedTimes.get(key);
    if (known !== undefined) return { entry, timeNs: known.toString() };
    if (!Number.isSafeInteger(atMs)) throw new LineProtocolError(`transition atMs must be an integer number of milliseconds, got ${atMs}`);
    const ms = BigInt(atMs);
    const offset = nextOffset.get(ms) ?? 0n;
    if (offset >= NS_PER_MS) throw new LineProtocolError(`more than a million alarm transitions in millisecond ${atMs}`);
    nextOffset.set(ms, offset + 1n);
    const timeNs = ms * NS_PER_MS + offset;
    return { entry, timeNs: timeNs.toString() };
  });
}

/** The distinct milliseconds to look up stored transitions in. */
export function distinctMs(keyed: readonly KeyedTransition[]): number[] {
  return [...new Set(keyed.map((k) => k.transition.atMs))];
}

function floorMs(timeNs: bigint): bigint {
  const ms = timeNs / NS_PER_MS;
  // BigInt division truncates towards zero; times before 1970 need the floor.
  return timeNs < 0n && ms * NS_PER_MS !== timeNs ? ms - 1n : ms;
}
