// Generates K14 meter history with the plant model and writes it through the same path live data
// takes: device payload → validateDeviceMessage → store.writeReadings, in batches; then the rollups.
import { validateDeviceMessage } from '../../core/domain/messages/validate-message.ts';
import { devicePayloadOf, deviceTopicOf } from '../../core/domain/messages/device-message.ts';
import type { Reading } from '../../core/domain/readings.ts';
import { indexSite, type SiteConfig } from '../../core/domain/site/site-schema.ts';
import type { TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { runRollups, type RollupRunResult } from '../../api/water/rollup-job.ts';
import { MeterFleet, type MeterFaultRates } from '../../simulators/meter-fleet.ts';

export interface BackfillOptions {
  readonly store: TelemetryStore;
  readonly site: SiteConfig;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly seed?: number;
  readonly faults?: MeterFaultRates;
  readonly batchSize?: number;
  readonly onProgress?: (stage: 'readings' | 'rollups', done: number, total: number) => void;
}

export interface BackfillResult {
  readonly readings: number;
  readonly refused: number;
  readonly writeMs: number;
  readonly rollup: RollupRunResult;
  readonly rollupMs: number;
}

/** Limits for history: the timestamps are old on purpose, so only the future check matters. */
const LIMITS = { maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 5 * 60_000 };

export async function backfillHistory(options: BackfillOptions): Promise<BackfillResult> {
  const { store, site, fromMs, toMs, stepMs } = options;
  const index = indexSite(site);
  const fleet = new MeterFleet({ site, seed: options.seed ?? 20_150_101, faults: options.faults });
  const batchSize = options.batchSize ?? 5000;
  const steps = Math.max(0, Math.floor((toMs - fromMs) / stepMs));
  const receivedAtMs = Date.now();
  let batch: Reading[] = [];
  let readings = 0;
  let refused = 0;
  const started = performance.now();
  for (let i = 0; i <= steps; i++) {
    for (const reading of fleet.step(fromMs + i * stepMs, stepMs)) {
      const payload = Buffer.from(JSON.stringify(devicePayloadOf(reading)));
      const result = validateDeviceMessage(deviceTopicOf(reading), payload, { ...LIMITS, site: index, receivedAtMs });
      refused += result.refused.length;
      for (const valid of result.readings) batch.push(valid);
    }
    if (batch.length >= batchSize) {
      readings += await writeBatch(store, batch);
      batch = [];
      options.onProgress?.('readings', i, steps);
    }
  }
  readings += await writeBatch(store, batch);
  options.onProgress?.('readings', steps, steps);
  const writeMs = performance.now() - started;

  const rollupStarted = performance.now();
  const rollup = await runRollups({ store, site, clock: () => toMs + 5 * 60_000, replacementsOf: () => [], settleMs: 0 });
  return { readings, refused, writeMs, rollup, rollupMs: performance.now() - rollupStarted };
}

async function writeBatch(store: TelemetryStore, batch: readonly Reading[]): Promise<number> {
  if (batch.length === 0) return 0;
  const { rejected } = await store.writeReadings(batch);
  if (rejected.length) throw new Error(`the store refused ${rejected.length} backfill readings, e.g. ${rejected[0]!.reason}`);
  return batch.length;
}
