// Section "backfill": the K14 history (2015-01-01 → now, 15-minute steps) through backfillHistory into a
// fresh SQLite file and a fresh InfluxDB database, once each; the baseline is generation alone.
import { devicePayloadOf, deviceTopicOf } from '../../core/domain/messages/device-message.ts';
import { validateDeviceMessage } from '../../core/domain/messages/validate-message.ts';
import { indexSite, type SiteConfig } from '../../core/domain/site/site-schema.ts';
import { MeterFleet } from '../../simulators/meter-fleet.ts';
import type { BenchContext, BenchSection } from '../bench-types.ts';
import { backfilledStores } from '../fixtures/backfilled-stores.ts';

const TOTAL_TARGET_S = 120;
const BASELINE_SPAN_MS = { full: 365 * 86_400_000, quick: 31 * 86_400_000 };
const WARMUP_MS = 7 * 86_400_000;

export const backfillSection: BenchSection = {
  name: 'backfill',
  summary: 'K14 history 2015 → now at 15-minute steps into fresh SQLite and InfluxDB: readings/s and total time',
  async run(ctx) {
    const generation = generationBaseline(ctx);
    ctx.record({ name: 'generate + validate only (no store)', unit: 'readings/s', samples: [generation.readingsPerSecond], baseline: true, note: `plant model, JSON, validation over ${generation.days} days; the ceiling for any store` });
    const { range, stores } = await backfilledStores(ctx);
    ctx.detail('range', { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), stepMs: range.stepMs });
    for (const { kind, result, totalMs, bytes } of stores) {
      ctx.record({ name: `${kind}: readings written`, unit: 'readings/s', samples: [result.readings / (result.writeMs / 1000)] });
      ctx.record({ name: `${kind}: readings phase`, unit: 's', samples: [result.writeMs / 1000] });
      ctx.record({ name: `${kind}: rollups phase`, unit: 's', samples: [result.rollupMs / 1000] });
      ctx.record({ name: `${kind}: total (readings + rollups)`, unit: 's', samples: [totalMs / 1000], ...(ctx.quick ? {} : { target: { op: '<', value: TOTAL_TARGET_S } }) });
      ctx.detail(kind, { readings: result.readings, refused: result.refused, writeMs: result.writeMs, rollup: result.rollup, rollupMs: result.rollupMs, totalMs, ...(bytes === undefined ? {} : { fileBytes: bytes }) });
    }
    ctx.detail('generationBaseline', generation);
  },
};

/** backfillHistory's loop without the store (plant model → payload → validation), timed. */
function generationBaseline(ctx: BenchContext): { readings: number; days: number; readingsPerSecond: number } {
  const site: SiteConfig = ctx.site;
  const index = indexSite(site);
  const fleet = new MeterFleet({ site, seed: 20_150_101 });
  const stepMs = 15 * 60_000;
  const fromMs = Date.parse(site.commissionedAt);
  const spanMs = ctx.quick ? BASELINE_SPAN_MS.quick : BASELINE_SPAN_MS.full;
  const limits = { maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 5 * 60_000, site: index, receivedAtMs: Date.now() };
  const generate = (from: number, to: number): number => {
    let count = 0;
    for (let ts = from; ts < to; ts += stepMs) {
      for (const reading of fleet.step(ts, stepMs)) {
        count += validateDeviceMessage(deviceTopicOf(reading), Buffer.from(JSON.stringify(devicePayloadOf(reading))), limits).readings.length;
      }
    }
    return count;
  };
  // A week untimed first: the JIT would otherwise make a short baseline look slower than the stores.
  const timedFrom = fromMs + WARMUP_MS;
  generate(fromMs, timedFrom);
  const started = performance.now();
  const readings = generate(timedFrom, timedFrom + spanMs);
  const seconds = (performance.now() - started) / 1000;
  return { readings, days: Math.round(spanMs / 86_400_000), readingsPerSecond: readings / seconds };
}
