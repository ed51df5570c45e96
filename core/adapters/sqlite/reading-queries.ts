// Time-range reads of meter readings and particle samples, plus counts per kind; all [fromMs, toMs).
// The readings just outside a meter's range are two primary-key seeks, one each way.
import type Database from 'better-sqlite3';
import type { MeterReading, ParticleSample, Reading } from '../../domain/readings.ts';
import { BOUNDING_READING_MAX_DISTANCE_MS, type TimeRange } from '../../ports/telemetry-store.ts';
import { fromMeterRow, fromParticleRow, type MeterRow, type ParticleRow } from './reading-rows.ts';

export interface ReadingQueries {
  readMeterReadings(meterId: string, range: TimeRange): MeterReading[];
  readParticleSamples(filter: { roomId: string; counterId?: string }, range: TimeRange): ParticleSample[];
  countReadings(kind: Reading['kind'], range: TimeRange): number;
  boundingMeterReadings(meterId: string, range: TimeRange): { before?: MeterReading; after?: MeterReading };
}

export function prepareReadingQueries(db: Database.Database): ReadingQueries {
  const meterRange = db.prepare<{ meterId: string } & TimeRange, MeterRow>(`
    SELECT * FROM meter_readings
    WHERE meter_id = @meterId AND ts_ms >= @fromMs AND ts_ms < @toMs
    ORDER BY ts_ms`);
  const roomRange = db.prepare<{ roomId: string } & TimeRange, ParticleRow>(`
    SELECT * FROM particle_samples
    WHERE room_id = @roomId AND ts_ms >= @fromMs AND ts_ms < @toMs
    ORDER BY ts_ms, counter_id`);
  const counterRange = db.prepare<{ roomId: string; counterId: string } & TimeRange, ParticleRow>(`
    SELECT * FROM particle_samples
    WHERE room_id = @roomId AND counter_id = @counterId AND ts_ms >= @fromMs AND ts_ms < @toMs
    ORDER BY ts_ms`);
  const lastBefore = db.prepare<[string, number, number], MeterRow>('SELECT * FROM meter_readings WHERE meter_id = ? AND ts_ms < ? AND ts_ms >= ? ORDER BY ts_ms DESC LIMIT 1');
  const firstFrom = db.prepare<[string, number, number], MeterRow>('SELECT * FROM meter_readings WHERE meter_id = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT 1');
  // One read transaction, so both neighbours come from the same snapshot.
  const bounding = db.transaction((meterId: string, { fromMs, toMs }: TimeRange) => {
    const before = lastBefore.get(meterId, fromMs, fromMs - BOUNDING_READING_MAX_DISTANCE_MS);
    const after = firstFrom.get(meterId, toMs, toMs + BOUNDING_READING_MAX_DISTANCE_MS);
    return { ...(before === undefined ? {} : { before: fromMeterRow(before) }), ...(after === undefined ? {} : { after: fromMeterRow(after) }) };
  });
  const counts = {
    meter: db.prepare<TimeRange, number>('SELECT count(*) FROM meter_readings WHERE ts_ms >= @fromMs AND ts_ms < @toMs').pluck(),
    particle: db.prepare<TimeRange, number>('SELECT count(*) FROM particle_samples WHERE ts_ms >= @fromMs AND ts_ms < @toMs').pluck(),
  };

  return {
    readMeterReadings: (meterId, { fromMs, toMs }) => meterRange.all({ meterId, fromMs, toMs }).map(fromMeterRow),
    readParticleSamples: ({ roomId, counterId }, { fromMs, toMs }) =>
      (counterId === undefined ? roomRange.all({ roomId, fromMs, toMs }) : counterRange.all({ roomId, counterId, fromMs, toMs })).map(
        fromParticleRow,
      ),
    countReadings: (kind, { fromMs, toMs }) => counts[kind].get({ fromMs, toMs }) ?? 0,
    boundingMeterReadings: (meterId, range) => bounding(meterId, range),
  };
}
