// Small helpers the scenarios share: a seeded random source for kill timing, the time range a plan
// covers, and metric polling of a running ingest.
import type { TimeRange } from '../../../core/ports/telemetry-store.ts';
import type { LoadPlan } from '../harness/ledger.ts';
import { metricSum, scrapeMetrics } from '../harness/node-service.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** mulberry32: reproducible kill schedules. */
export function jitter(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function planRange(plan: LoadPlan): TimeRange {
  return { fromMs: plan.options.startMs - 3_600_000, toMs: plan.lastTsMs + 3_600_000 };
}

/** One metric's value from a running ingest, or undefined when it does not answer. */
export async function readMetric(metricsUrl: string, name: string): Promise<number | undefined> {
  try {
    return metricSum(await scrapeMetrics(metricsUrl), name);
  } catch {
    return undefined;
  }
}
