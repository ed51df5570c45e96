// The ingest hot path: upserts a batch of readings in one transaction with statements prepared once.
import type Database from 'better-sqlite3';
import type { Reading } from '../../domain/readings.ts';
import { type MeterRow, type ParticleRow, toMeterRow, toParticleRow } from './reading-rows.ts';

export type WriteReadings = (readings: readonly Reading[]) => void;

export function prepareReadingWriter(db: Database.Database): WriteReadings {
  // DO UPDATE rather than OR REPLACE: the row keeps its place and the ts index entry is left alone.
  const upsertMeter = db.prepare<MeterRow>(`
    INSERT INTO meter_readings (meter_id, ts_ms, role, zone, flow_m3h, totalizer_m3, quality, seq)
    VALUES (@meter_id, @ts_ms, @role, @zone, @flow_m3h, @totalizer_m3, @quality, @seq)
    ON CONFLICT (meter_id, ts_ms) DO UPDATE SET
      role = excluded.role, zone = excluded.zone, flow_m3h = excluded.flow_m3h,
      totalizer_m3 = excluded.totalizer_m3, quality = excluded.quality, seq = excluded.seq`);
  const upsertParticle = db.prepare<ParticleRow>(`
    INSERT INTO particle_samples (room_id, counter_id, ts_ms, volume_l, count_0_3, count_0_5, count_1_0, count_5_0, seq)
    VALUES (@room_id, @counter_id, @ts_ms, @volume_l, @count_0_3, @count_0_5, @count_1_0, @count_5_0, @seq)
    ON CONFLICT (room_id, counter_id, ts_ms) DO UPDATE SET
      volume_l = excluded.volume_l, count_0_3 = excluded.count_0_3, count_0_5 = excluded.count_0_5,
      count_1_0 = excluded.count_1_0, count_5_0 = excluded.count_5_0, seq = excluded.seq`);

  // IMMEDIATE takes the write lock up front, so a concurrent writer waits on busy_timeout instead of
  // failing mid-transaction when a read lock cannot be upgraded.
  const writeBatch = db.transaction((readings: readonly Reading[]) => {
    for (const reading of readings) {
      if (reading.kind === 'meter') upsertMeter.run(toMeterRow(reading));
      else upsertParticle.run(toParticleRow(reading));
    }
  });
  return (readings) => {
    if (readings.length > 0) writeBatch.immediate(readings);
  };
}
