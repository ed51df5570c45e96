// The raw edges of a water window (the parts no rollup covers yet: the current hour, the ragged start
// of a sliding window) are read again by every request. On InfluxDB 1.x each per-meter read costs a
// few ms of server CPU however few points it returns, so a wall of screens polling tonnage would keep
// influxd busy. Readings are therefore cached per meter and clock hour, shared by concurrent requests
// and read again once they are a second old: a new or late reading counts within a second of landing
// in the store, and the store sees at most one read per meter and hour a second. The rollup job's
// invalidation clears everything.
import type { MeterReading } from '../../core/domain/readings.ts';
import { orderedReadings } from '../../core/domain/water/meter-volume.ts';
import { HOUR_MS } from '../../core/domain/water/rollup.ts';
import type { TimeRange } from '../../core/ports/telemetry-store.ts';

/** A meter's readings in a range plus the nearest one on either side, ordered, duplicates once. */
export type ReadingsAcross = (meterId: string, range: TimeRange) => Promise<readonly MeterReading[]>;

export interface RawReadingsCacheOptions {
  readonly ttlMs?: number;
  /** Longer ranges (a catch-up after downtime) go straight to the store. */
  readonly maxHours?: number;
}

interface HourEntry {
  readonly fetchedAtMs: number;
  readonly readings: Promise<readonly MeterReading[]>;
}

const MAX_ENTRIES = 10_000;

export class RawReadingsCache {
  private readonly hours = new Map<string, HourEntry>();
  private readonly ttlMs: number;
  private readonly maxHours: number;

  constructor(
    private readonly readAcross: ReadingsAcross,
    private readonly clock: () => number,
    options: RawReadingsCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 1_000;
    this.maxHours = options.maxHours ?? 48;
  }

  /** Same answer as readAcross, give or take readings outside the range, which no window counts. */
  readonly readingsAcross: ReadingsAcross = async (meterId, range) => {
    const firstHour = Math.floor(range.fromMs / HOUR_MS) * HOUR_MS;
    const hourCount = Math.ceil((range.toMs - firstHour) / HOUR_MS);
    if (!(hourCount >= 1 && hourCount <= this.maxHours)) return this.readAcross(meterId, range);
    if (hourCount === 1) return this.hour(meterId, firstHour);
    const hours: Promise<readonly MeterReading[]>[] = [];
    for (let i = 0; i < hourCount; i++) hours.push(this.hour(meterId, firstHour + i * HOUR_MS));
    // Neighbouring hours share their bounding readings: orderedReadings keeps each once.
    const readings: MeterReading[] = [];
    for (const hour of await Promise.all(hours)) for (const reading of hour) readings.push(reading);
    return orderedReadings(readings);
  };

  invalidate(): void {
    this.hours.clear();
  }

  private hour(meterId: string, startMs: number): Promise<readonly MeterReading[]> {
    const key = `${meterId}|${startMs}`;
    const now = this.clock();
    const cached = this.hours.get(key);
    if (cached && now - cached.fetchedAtMs <= this.ttlMs) return cached.readings;
    if (this.hours.size >= MAX_ENTRIES) this.hours.clear();
    const entry = { fetchedAtMs: now, readings: this.readAcross(meterId, { fromMs: startMs, toMs: startMs + HOUR_MS }) };
    this.hours.set(key, entry);
    entry.readings.catch(() => {
      if (this.hours.get(key) === entry) this.hours.delete(key);
    });
    return entry.readings;
  }
}
