// Short-lived caches in front of the store for what every water request asks again: the rollup
// watermarks, sums of rollups (unchanged until the next rollup run) and the latest readings (for
// staleness, minute-grained). The rollup job invalidates them after each run.
import type { Reading } from '../../core/domain/readings.ts';
import type { RollupWatermarks } from '../../core/domain/water/window-plan.ts';
import type { RollupQuery, RollupSum, TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { rollupWatermarks } from './meter-volumes.ts';

const MAX_SUM_ENTRIES = 5_000;

export class RollupCache {
  private watermarkEntry: { atMs: number; value: Promise<RollupWatermarks> } | undefined;
  private latestEntry: { atMs: number; value: Promise<Reading[]> } | undefined;
  private readonly sums = new Map<string, Promise<RollupSum[]>>();

  constructor(
    private readonly store: TelemetryStore,
    private readonly timeZone: string,
    private readonly clock: () => number,
    private readonly ttlMs = 10_000,
  ) {}

  watermarks(): Promise<RollupWatermarks> {
    const now = this.clock();
    if (!this.watermarkEntry || now - this.watermarkEntry.atMs > this.ttlMs) {
      this.watermarkEntry = { atMs: now, value: rollupWatermarks(this.store, this.timeZone) };
      this.watermarkEntry.value.catch(() => (this.watermarkEntry = undefined));
    }
    return this.watermarkEntry.value;
  }

  latestReadings(): Promise<Reading[]> {
    const now = this.clock();
    if (!this.latestEntry || now - this.latestEntry.atMs > Math.min(this.ttlMs, 5_000)) {
      this.latestEntry = { atMs: now, value: this.store.latestReadings() };
      this.latestEntry.value.catch(() => (this.latestEntry = undefined));
    }
    return this.latestEntry.value;
  }

  /** Rollups only change when the job runs, so a sum stays valid until invalidate(). */
  sumRollups(query: RollupQuery): Promise<RollupSum[]> {
    const key = `${query.period}|${query.range.fromMs}|${query.range.toMs}|${query.meterIds?.join(',') ?? '*'}`;
    let sum = this.sums.get(key);
    if (!sum) {
      if (this.sums.size >= MAX_SUM_ENTRIES) this.sums.clear();
      sum = this.store.sumRollups(query);
      sum.catch(() => this.sums.delete(key));
      this.sums.set(key, sum);
    }
    return sum;
  }

  invalidate(): void {
    this.watermarkEntry = undefined;
    this.latestEntry = undefined;
    this.sums.clear();
  }
}
