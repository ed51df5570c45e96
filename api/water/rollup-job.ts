// Hourly and daily rollups written to the store: catches up from the last rollup after downtime,
// re-rolls the trailing hours every run so late readings land, and is idempotent (rollups overwrite).
import type { MeterConfig, SiteConfig } from '../../core/domain/site/site-schema.ts';
import { nextPeriodStart, periodStart } from '../../core/domain/water/local-calendar.ts';
import { volumeSegments, type MeterReplacement } from '../../core/domain/water/meter-volume.ts';
import { dailyRollups, hourlyRollups, HOUR_MS, type MeterRollup } from '../../core/domain/water/rollup.ts';
import type { TelemetryStore, TimeRange } from '../../core/ports/telemetry-store.ts';
import { readingsAcross } from './meter-volumes.ts';

const CHUNK_MS = 30 * 24 * HOUR_MS;
/**
 * Meters rolled together: a first start on a site of hundreds of meters commissioned years ago
 * catches up a decade of hours, and one 30-day chunk of every meter at once would hold hundreds of
 * thousands of rollups in memory.
 */
const METERS_PER_GROUP = 32;

export interface RollupJobOptions {
  readonly store: TelemetryStore;
  readonly site: SiteConfig;
  readonly clock: () => number;
  readonly replacementsOf: (meterId: string) => readonly MeterReplacement[];
  /** Hours before the last rollup that every run rolls again (late and out-of-order readings). */
  readonly rerollHours?: number;
  /** An hour is rolled only this long after it ended, so its readings have arrived. */
  readonly settleMs?: number;
}

export interface RollupRunResult {
  readonly hoursRolled: number;
  readonly daysRolled: number;
  readonly untilMs: number;
}

export async function runRollups(options: RollupJobOptions): Promise<RollupRunResult> {
  const { store, site } = options;
  const untilMs = Math.floor((options.clock() - (options.settleMs ?? 5 * 60_000)) / HOUR_MS) * HOUR_MS;
  const lastHour = await store.latestRollupStart('hour');
  const commissioned = Math.floor(Date.parse(site.commissionedAt) / HOUR_MS) * HOUR_MS;
  const fromMs = lastHour === undefined ? commissioned : Math.max(commissioned, lastHour + HOUR_MS - (options.rerollHours ?? 48) * HOUR_MS);
  let hoursRolled = 0;
  for (let chunkFrom = fromMs; chunkFrom < untilMs; chunkFrom += CHUNK_MS) {
    const range = { fromMs: chunkFrom, toMs: Math.min(chunkFrom + CHUNK_MS, untilMs) };
    for (const meters of meterGroups(site.meters)) {
      await store.writeRollups((await Promise.all(meters.map((meter) => meterHours(options, meter, range)))).flat());
    }
    hoursRolled += (range.toMs - range.fromMs) / HOUR_MS;
  }
  let daysRolled = 0;
  for (const meters of meterGroups(site.meters)) daysRolled += await rollDays(options, meters, fromMs, untilMs);
  return { hoursRolled, daysRolled, untilMs };
}

function meterGroups(meters: readonly MeterConfig[]): MeterConfig[][] {
  const groups: MeterConfig[][] = [];
  for (let i = 0; i < meters.length; i += METERS_PER_GROUP) groups.push(meters.slice(i, i + METERS_PER_GROUP));
  return groups;
}

async function meterHours(options: RollupJobOptions, meter: MeterConfig, range: TimeRange): Promise<MeterRollup[]> {
  const installedAt = meter.installedAt ? Math.floor(Date.parse(meter.installedAt) / HOUR_MS) * HOUR_MS : range.fromMs;
  const fromMs = Math.max(range.fromMs, installedAt);
  if (fromMs >= range.toMs) return [];
  const window = { fromMs, toMs: range.toMs };
  const readings = await readingsAcross(options.store, meter.id, window);
  const segments = volumeSegments(readings, { hasTotalizer: meter.hasTotalizer, totalizerWrapM3: meter.totalizerWrapM3, replacements: options.replacementsOf(meter.id) });
  return hourlyRollups(meter, segments, fromMs, range.toMs, options.site.water.coverageGapMinutes * 60_000);
}

/** Daily rollups for the local days touched by [fromMs, untilMs) whose hours are all rolled. */
async function rollDays(options: RollupJobOptions, meters: readonly MeterConfig[], fromMs: number, untilMs: number): Promise<number> {
  const tz = options.site.timezone;
  const firstDay = periodStart('day', fromMs, tz);
  const endDay = periodStart('day', untilMs, tz);
  let days = 0;
  for (let chunkFrom = firstDay; chunkFrom < endDay; ) {
    let chunkTo = chunkFrom;
    for (let i = 0; i < 30 && chunkTo < endDay; i++) chunkTo = nextPeriodStart('day', chunkTo, tz);
    const hours = await options.store.readRollups({ period: 'hour', range: { fromMs: chunkFrom, toMs: chunkTo }, meterIds: meters.map((m) => m.id) });
    const byMeter = new Map<string, MeterRollup[]>();
    for (const hour of hours) {
      const list = byMeter.get(hour.meterId);
      if (list) list.push(hour);
      else byMeter.set(hour.meterId, [hour]);
    }
    const dailies = [...byMeter.values()].flatMap((meterHoursList) => dailyRollups(meterHoursList, chunkFrom, chunkTo, tz));
    await options.store.writeRollups(dailies);
    days += dailies.length;
    chunkFrom = chunkTo;
  }
  return days;
}
