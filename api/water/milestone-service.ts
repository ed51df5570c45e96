// PR milestones from the daily rollups of the recycled meters: each crossing located to the day,
// then to the hour inside it, and the next ones projected at the trailing 30-day rate.
import { milestoneCrossings, projectMilestones, type CumulativePoint, type Crossing } from '../../core/domain/water/milestones.ts';
import { nextPeriodStart } from '../../core/domain/water/local-calendar.ts';
import { HOUR_MS, type RollupPeriod } from '../../core/domain/water/rollup.ts';
import { mlToTonnes } from '../../core/domain/water/volume-units.ts';
import type { TimeRange } from '../../core/ports/telemetry-store.ts';
import { meterVolumes } from './meter-volumes.ts';
import { activeMeters, roleVolumes } from './water-report.ts';
import type { WaterService } from './water-service.ts';

const DAY_MS = 86_400_000;
const TRAILING_MS = 30 * DAY_MS;
const PROJECTED_COUNT = 3;

export interface MilestoneReport {
  readonly stepTonnes: number;
  readonly currentTonnes: number;
  readonly asOfMs: number;
  readonly crossed: Crossing[];
  readonly next: Array<{ tonnes: number; projectedAtMs: number | null }>;
  readonly trailingTonnesPerDay: number;
  readonly equivalences: Array<{ name: string; tonnes: number; multiple: number }>;
  readonly provisional: boolean;
}

/** Crossings only change when rollups do, so they are computed once per rollup state. */
const crossingCache = new WeakMap<WaterService, { key: string; crossed: Crossing[] }>();

export async function milestoneReport(water: WaterService): Promise<MilestoneReport> {
  const { site } = water;
  const [tonnage, rate, watermarks] = await Promise.all([water.tonnage(), trailingRatePerMs(water), water.sources.watermarks()]);
  const step = site.water.milestoneStepTonnes;
  const key = `${watermarks.daysUntilMs}|${watermarks.hoursUntilMs}|${Math.floor(tonnage.tonnes / step)}|${water.replacementsVersion}`;
  let cached = crossingCache.get(water);
  if (cached?.key !== key) {
    cached = { key, crossed: await crossings(water, tonnage.asOfMs, tonnage.tonnes, tonnage.openingBalanceTonnes) };
    crossingCache.set(water, cached);
  }
  const crossed = cached.crossed;
  return {
    stepTonnes: step,
    currentTonnes: tonnage.tonnes,
    asOfMs: tonnage.asOfMs,
    crossed,
    next: projectMilestones({ atMs: tonnage.asOfMs, tonnes: tonnage.tonnes }, rate, step, PROJECTED_COUNT),
    trailingTonnesPerDay: rate * DAY_MS,
    equivalences: site.water.equivalences.map((e) => ({ ...e, multiple: tonnage.tonnes / e.tonnes })),
    provisional: tonnage.provisional,
  };
}

async function crossings(water: WaterService, asOfMs: number, currentTonnes: number, openingTonnes: number): Promise<Crossing[]> {
  const { site } = water;
  const daily = await cumulativePoints(water, 'day', { fromMs: Date.parse(site.commissionedAt), toMs: asOfMs }, openingTonnes);
  const lastDaily = daily.at(-1) ?? { atMs: Date.parse(site.commissionedAt), tonnes: openingTonnes };
  const coarse = milestoneCrossings([...daily, { atMs: asOfMs, tonnes: Math.max(currentTonnes, lastDaily.tonnes) }], site.water.milestoneStepTonnes);
  return Promise.all(coarse.map((c) => refineToHour(water, c, daily)));
}

/** Cumulative tonnes at the end of each rollup period in range, starting from `openingTonnes`. */
async function cumulativePoints(water: WaterService, period: RollupPeriod, range: TimeRange, openingTonnes: number): Promise<CumulativePoint[]> {
  const recycled = activeMeters(water.site, range).filter((m) => m.role === 'recycled');
  const rollups = await water.sources.store.readRollups({ period, range, meterIds: recycled.map((m) => m.id) });
  const byStart = new Map<number, number>();
  for (const r of rollups) byStart.set(r.startMs, (byStart.get(r.startMs) ?? 0) + r.volumeMl);
  const points: CumulativePoint[] = [{ atMs: range.fromMs, tonnes: openingTonnes }];
  let cumulativeMl = 0;
  for (const [startMs, volumeMl] of [...byStart].sort((a, b) => a[0] - b[0])) {
    cumulativeMl += volumeMl;
    const endMs = period === 'hour' ? startMs + HOUR_MS : nextPeriodStart('day', startMs, water.site.timezone);
    points.push({ atMs: endMs, tonnes: openingTonnes + mlToTonnes(cumulativeMl, water.site.water.densityTonnesPerM3) });
  }
  return points;
}

async function refineToHour(water: WaterService, crossing: Crossing, daily: readonly CumulativePoint[]): Promise<Crossing> {
  const dayIndex = daily.findIndex((p) => p.atMs >= crossing.crossedAtMs);
  if (dayIndex <= 0) return crossing;
  const dayStart = daily[dayIndex - 1]!;
  const hourly = await cumulativePoints(water, 'hour', { fromMs: dayStart.atMs, toMs: daily[dayIndex]!.atMs }, dayStart.tonnes);
  return milestoneCrossings(hourly, water.site.water.milestoneStepTonnes).find((c) => c.tonnes === crossing.tonnes) ?? crossing;
}

async function trailingRatePerMs(water: WaterService): Promise<number> {
  const nowMs = water.now();
  const range = { fromMs: nowMs - TRAILING_MS, toMs: nowMs };
  const recycled = activeMeters(water.site, range).filter((m) => m.role === 'recycled');
  const volumes = await meterVolumes(water.sources, recycled, range, await water.sources.watermarks());
  return mlToTonnes(roleVolumes(recycled, volumes).recycled, water.site.water.densityTonnesPerM3) / TRAILING_MS;
}
