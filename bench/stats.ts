// Small statistics for the bench: nearest-rank latency percentiles (no interpolation, so a p99 is a
// latency that really happened) and the median/min/max summary every figure gets.
import type { Comparison, Target } from './bench-types.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarise(samples: readonly number[]): Summary {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

const COMPARE: Readonly<Record<Comparison, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
};

/** Whether the median meets the target; a NaN (nothing measured) never does. */
export function meets(value: number, target: Target): boolean {
  return !Number.isNaN(value) && COMPARE[target.op](value, target.value);
}

/** Latency percentiles of one run, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function latencySummary(latenciesMs: readonly number[]): LatencySummary {
  // Sorted once: a run of the load generator holds tens of thousands of latencies.
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (p: number): number => (sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]! : Number.NaN);
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}
