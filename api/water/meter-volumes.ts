// Executes a window plan: sums of daily and hourly rollups for the whole periods inside the window,
// exact volumes from raw readings for the ragged edges, combined per meter.
import type { MeterConfig } from '../../core/domain/site/site-schema.ts';
import { orderedReadings, volumeInWindow, volumeSegments, type MeterReplacement } from '../../core/domain/water/meter-volume.ts';
import { HOUR_MS } from '../../core/domain/water/rollup.ts';
import { nextPeriodStart } from '../../core/domain/water/local-calendar.ts';
import { planWindow, type RollupWatermarks, type WindowPiece } from '../../core/domain/water/window-plan.ts';
import type { TelemetryStore, TimeRange } from '../../core/ports/telemetry-store.ts';
import type { MeterReading } from '../../core/domain/readings.ts';
import type { ReadingsAcross } from './raw-readings-cache.ts';

export interface MeterWindowVolume {
  readonly meterId: string;
  readonly volumeMl: number;
  readonly coveredMs: number;
  readonly unexplainedResets: number;
}

export interface VolumeSources {
  readonly store: TelemetryStore;
  /** Raw readings for the edges; a cache may stand in front of readingsAcross(store, …). */
  readonly readingsAcross: ReadingsAcross;
  /** Sums of rollups; a cache may stand in front of store.sumRollups. */
  readonly sumRollups: TelemetryStore['sumRollups'];
  readonly watermarks: () => Promise<RollupWatermarks>;
  readonly timeZone: string;
  readonly coverageGapMs: number;
  readonly replacementsOf: (meterId: string) => readonly MeterReplacement[];
}

export async function rollupWatermarks(store: TelemetryStore, timeZone: string): Promise<RollupWatermarks> {
  const [lastHour, lastDay] = await Promise.all([store.latestRollupStart('hour'), store.latestRollupStart('day')]);
  return {
    hoursUntilMs: lastHour === undefined ? undefined : lastHour + HOUR_MS,
    daysUntilMs: lastDay === undefined ? undefined : nextPeriodStart('day', lastDay, timeZone),
  };
}

export async function meterVolumes(sources: VolumeSources, meters: readonly MeterConfig[], range: TimeRange, watermarks: RollupWatermarks): Promise<Map<string, MeterWindowVolume>> {
  const totals = new Map<string, MeterWindowVolume>(meters.map((m) => [m.id, { meterId: m.id, volumeMl: 0, coveredMs: 0, unexplainedResets: 0 }]));
  const add = (part: MeterWindowVolume) => {
    const sum = totals.get(part.meterId);
    if (!sum) return;
    totals.set(part.meterId, { meterId: part.meterId, volumeMl: sum.volumeMl + part.volumeMl, coveredMs: sum.coveredMs + part.coveredMs, unexplainedResets: sum.unexplainedResets + part.unexplainedResets });
  };
  const meterIds = meters.map((m) => m.id);
  const pieces = planWindow(range.fromMs, range.toMs, watermarks, sources.timeZone);
  await Promise.all(
    pieces.map(async (piece) => {
      const parts = piece.source === 'raw' ? await Promise.all(meters.map((m) => rawVolume(sources, m, piece))) : await rollupVolumes(sources, piece, meterIds);
      for (const part of parts) add(part);
    }),
  );
  return totals;
}

async function rollupVolumes(sources: VolumeSources, piece: WindowPiece, meterIds: readonly string[]): Promise<MeterWindowVolume[]> {
  const period = piece.source === 'day' ? 'day' : 'hour';
  const sums = await sources.sumRollups({ period, range: { fromMs: piece.fromMs, toMs: piece.toMs }, meterIds });
  return sums.map((s) => ({ meterId: s.meterId, volumeMl: s.volumeMl, coveredMs: s.coveredMs, unexplainedResets: s.unexplainedResets }));
}

/** A meter's readings in a range and the nearest one on either side: what an exact volume needs. */
export async function readingsAcross(store: TelemetryStore, meterId: string, range: TimeRange): Promise<MeterReading[]> {
  const [inside, bounds] = await Promise.all([store.readMeterReadings(meterId, range), store.boundingMeterReadings(meterId, range)]);
  return orderedReadings([...(bounds.before ? [bounds.before] : []), ...inside, ...(bounds.after ? [bounds.after] : [])]);
}

/** A meter's exact volume over a window from its raw readings, including the readings just outside. */
export async function rawVolume(sources: VolumeSources, meter: MeterConfig, piece: Pick<WindowPiece, 'fromMs' | 'toMs'>): Promise<MeterWindowVolume> {
  const readings = await sources.readingsAcross(meter.id, { fromMs: piece.fromMs, toMs: piece.toMs });
  const segments = volumeSegments(readings, { hasTotalizer: meter.hasTotalizer, totalizerWrapM3: meter.totalizerWrapM3, replacements: sources.replacementsOf(meter.id) });
  const window = volumeInWindow(segments, piece.fromMs, piece.toMs, sources.coverageGapMs);
  return { meterId: meter.id, volumeMl: window.volumeMl, coveredMs: window.coveredMs, unexplainedResets: window.unexplainedResetsAtMs.length };
}
