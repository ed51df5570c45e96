// Time-range reads of meter readings and particle samples, plus counts per kind; all [fromMs, toMs).
import type Database from 'better-sqlite3';
import type { MeterReading, ParticleSample, Reading } from '../../domain/readings.ts';
import type { TimeRange } from '../../ports/telemetry-store.ts';
import { fromMeterRow, fromParticleRow, type MeterRow, type ParticleRow } from './reading-rows.ts';

export interface ReadingQueries {
  readMeterReadings(meterId: string, range: TimeRange): MeterReading[];
  readParticleSamples(filter: { roomId: string; counterId?: string }, range: TimeRange): ParticleSample[];
  countReadings(kind: Reading['kind'], range: TimeRange): number;
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
  };
}
