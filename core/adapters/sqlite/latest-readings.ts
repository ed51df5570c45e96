// latestReadings: the newest row of every meter and every counter, found by walking the primary key.
// A GROUP BY would scan every stored reading; this costs a few index seeks per device instead.
import type Database from 'better-sqlite3';
import type { Reading } from '../../domain/readings.ts';
import { fromMeterRow, fromParticleRow, type MeterRow, type ParticleRow } from './reading-rows.ts';

interface CounterKey {
  readonly room_id: string;
  readonly counter_id: string;
}

export type LatestReadings = () => Reading[];

export function prepareLatestReadings(db: Database.Database): LatestReadings {
  const firstMeter = db.prepare<[], string>('SELECT meter_id FROM meter_readings ORDER BY meter_id LIMIT 1').pluck();
  const nextMeter = db.prepare<[string], string>('SELECT meter_id FROM meter_readings WHERE meter_id > ? ORDER BY meter_id LIMIT 1').pluck();
  const newestOfMeter = db.prepare<[string], MeterRow>('SELECT * FROM meter_readings WHERE meter_id = ? ORDER BY ts_ms DESC LIMIT 1');

  const firstCounter = db.prepare<[], CounterKey>('SELECT room_id, counter_id FROM particle_samples ORDER BY room_id, counter_id LIMIT 1');
  const nextCounter = db.prepare<CounterKey, CounterKey>(`
    SELECT room_id, counter_id FROM particle_samples
    WHERE (room_id, counter_id) > (@room_id, @counter_id)
    ORDER BY room_id, counter_id LIMIT 1`);
  const newestOfCounter = db.prepare<CounterKey, ParticleRow>(`
    SELECT * FROM particle_samples WHERE room_id = @room_id AND counter_id = @counter_id
    ORDER BY ts_ms DESC LIMIT 1`);

  // One read transaction, so every device is seen as of the same snapshot.
  return db.transaction(() => {
    const latest: Reading[] = [];
    for (let meterId = firstMeter.get(); meterId !== undefined; meterId = nextMeter.get(meterId)) {
      const row = newestOfMeter.get(meterId);
      if (row !== undefined) latest.push(fromMeterRow(row));
    }
    for (let key = firstCounter.get(); key !== undefined; key = nextCounter.get(key)) {
      const row = newestOfCounter.get(key);
      if (row !== undefined) latest.push(fromParticleRow(row));
    }
    return latest;
  });
}
