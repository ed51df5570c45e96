// Hourly and daily per-meter rollups: exact window volumes (integer mL) with their method and data
// coverage, so long-range totals and milestones sum a few thousand rows instead of raw readings.
import type { MeterRole } from '../readings.ts';
import type { CalendarPeriod } from './local-calendar.ts';
import { periodsBetween } from './local-calendar.ts';
import { volumeInWindow, type SegmentMethod, type VolumeSegment } from './meter-volume.ts';

export const HOUR_MS = 3_600_000;

export type RollupPeriod = 'hour' | Extract<CalendarPeriod, 'day'>;

export interface MeterRollup {
  readonly period: RollupPeriod;
  readonly meterId: string;
  readonly role: MeterRole;
  readonly zone: string;
  readonly startMs: number;
  readonly volumeMl: number;
  /** Milliseconds of the period covered by readings no further apart than the coverage gap. */
  readonly coveredMs: number;
  readonly methods: readonly SegmentMethod[];
  /** Unexplained totalizer resets inside: the volume is provisional while this is above zero. */
  readonly unexplainedResets: number;
}

export interface RollupMeter {
  readonly id: string;
  readonly role: MeterRole;
  readonly zone: string;
}

/** Rollups for consecutive hours [fromMs, toMs) (both hour-aligned) from a meter's segments, in time order. */
export function hourlyRollups(meter: RollupMeter, segments: readonly VolumeSegment[], fromMs: number, toMs: number, coverageGapMs: number): MeterRollup[] {
  const rollups: MeterRollup[] = [];
  // Segments are in time order: walk them alongside the hours instead of scanning all for each hour.
  let first = 0;
  for (let start = fromMs; start < toMs; start += HOUR_MS) {
    while (first < segments.length && segments[first]!.toMs <= start) first++;
    let end = first;
    while (end < segments.length && segments[end]!.fromMs < start + HOUR_MS) end++;
    const window = volumeInWindow(segments.slice(first, end), start, start + HOUR_MS, coverageGapMs);
    rollups.push({
      period: 'hour',
      meterId: meter.id,
      role: meter.role,
      zone: meter.zone,
      startMs: start,
      volumeMl: window.volumeMl,
      coveredMs: window.coveredMs,
      methods: [...window.methods].sort(),
      unexplainedResets: window.unexplainedResetsAtMs.length,
    });
  }
  return rollups;
}

/** Local-day rollups from complete hourly rollups of one meter (hours outside the days are ignored). */
export function dailyRollups(hours: readonly MeterRollup[], fromMs: number, toMs: number, timeZone: string): MeterRollup[] {
  const first = hours[0];
  if (!first) return [];
  const days: MeterRollup[] = [];
  let i = 0;
  for (const day of periodsBetween('day', fromMs, toMs, timeZone)) {
    if (day.startMs < fromMs || day.endMs > toMs) continue;
    let volumeMl = 0;
    let coveredMs = 0;
    let unexplainedResets = 0;
    const methods = new Set<SegmentMethod>();
    while (i < hours.length && hours[i]!.startMs < day.startMs) i++;
    for (; i < hours.length && hours[i]!.startMs < day.endMs; i++) {
      const hour = hours[i]!;
      volumeMl += hour.volumeMl;
      coveredMs += hour.coveredMs;
      unexplainedResets += hour.unexplainedResets;
      for (const method of hour.methods) methods.add(method);
    }
    days.push({ ...first, period: 'day', startMs: day.startMs, volumeMl, coveredMs, methods: [...methods].sort(), unexplainedResets });
  }
  return days;
}
