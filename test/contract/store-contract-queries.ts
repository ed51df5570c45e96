// Contract part: the derived queries (flow buckets, counts per kind, newest reading per device).
import { describe, expect, it } from 'vitest';
import { deviceKey, type Reading } from '../../core/domain/readings.ts';
import { aMeterReading, aParticleSample, HOUR_MS, MINUTE_MS, SECOND_MS, T0 } from '../fixtures/readings.ts';
import type { CurrentStore } from './telemetry-store-contract.ts';

const byDevice = (readings: readonly Reading[]): Reading[] => [...readings].sort((a, b) => deviceKey(a).localeCompare(deviceKey(b)));

export function describeQueryContract(store: CurrentStore): void {
  describe('aggregateMeterFlow', () => {
    it('buckets by everyMs: mean flow, last totalizer, count; empty buckets omitted; ascending', async () => {
      await store().writeReadings([
        aMeterReading({ tsMs: T0 + 40 * SECOND_MS, flowM3PerHour: 30, totalizerM3: undefined }),
        aMeterReading({ tsMs: T0, flowM3PerHour: 10, totalizerM3: 99_999_999.5 }),
        // The totalizer wrapped: the last value is not the largest one.
        aMeterReading({ tsMs: T0 + 20 * SECOND_MS, flowM3PerHour: 20, totalizerM3: 0.25 }),
        // T0 + 1 min: no readings, so no bucket.
        aMeterReading({ tsMs: T0 + 2 * MINUTE_MS + 59_999, flowM3PerHour: 5, totalizerM3: 10.75 }),
        aMeterReading({ tsMs: T0 + 3 * MINUTE_MS + SECOND_MS, flowM3PerHour: 7, totalizerM3: undefined }),
        aMeterReading({ meterId: 'rec-z2', zone: 'zone2', tsMs: T0 + 10 * SECOND_MS, flowM3PerHour: 999, totalizerM3: 9 }),
      ]);

      const buckets = await store().aggregateMeterFlow('rec-z1', { fromMs: T0, toMs: T0 + HOUR_MS }, MINUTE_MS);

      expect(buckets).toEqual([
        { startMs: T0, meanFlowM3PerHour: 20, lastTotalizerM3: 0.25, readingCount: 3 },
        { startMs: T0 + 2 * MINUTE_MS, meanFlowM3PerHour: 5, lastTotalizerM3: 10.75, readingCount: 1 },
        { startMs: T0 + 3 * MINUTE_MS, meanFlowM3PerHour: 7, lastTotalizerM3: null, readingCount: 1 },
      ]);
    });

    it('aligns buckets to multiples of everyMs since the epoch and only counts readings in [fromMs, toMs)', async () => {
      const everyMs = 7 * MINUTE_MS;
      const firstStart = Math.floor(T0 / everyMs) * everyMs;
      expect(firstStart).not.toBe(T0); // the test is only meaningful when T0 is not itself aligned
      const range = { fromMs: firstStart + 2 * MINUTE_MS, toMs: firstStart + everyMs + 3 * MINUTE_MS };
      await store().writeReadings([
        aMeterReading({ tsMs: firstStart + MINUTE_MS, flowM3PerHour: 1_000 }),
        aMeterReading({ tsMs: range.fromMs, flowM3PerHour: 40, totalizerM3: 200 }),
        aMeterReading({ tsMs: firstStart + 3 * MINUTE_MS, flowM3PerHour: 50, totalizerM3: 201 }),
        aMeterReading({ tsMs: range.toMs - 1, flowM3PerHour: 60, totalizerM3: 202 }),
        aMeterReading({ tsMs: range.toMs, flowM3PerHour: 1_000, totalizerM3: 999 }),
      ]);

      const buckets = await store().aggregateMeterFlow('rec-z1', range, everyMs);

      expect(buckets).toEqual([
        { startMs: firstStart, meanFlowM3PerHour: 45, lastTotalizerM3: 201, readingCount: 2 },
        { startMs: firstStart + everyMs, meanFlowM3PerHour: 60, lastTotalizerM3: 202, readingCount: 1 },
      ]);
    });

    it('returns no buckets for a meter without readings in the range', async () => {
      await store().writeReadings([aMeterReading({ tsMs: T0 - HOUR_MS })]);

      expect(await store().aggregateMeterFlow('rec-z1', { fromMs: T0, toMs: T0 + HOUR_MS }, MINUTE_MS)).toEqual([]);
      expect(await store().aggregateMeterFlow('tap-z1', { fromMs: T0, toMs: T0 + HOUR_MS }, MINUTE_MS)).toEqual([]);
    });
  });

  describe('countReadings', () => {
    it('counts each kind separately within [fromMs, toMs)', async () => {
      const range = { fromMs: T0, toMs: T0 + HOUR_MS };
      await store().writeReadings([
        aMeterReading({ meterId: 'inf-z1', tsMs: T0 }),
        aMeterReading({ meterId: 'rec-z1', tsMs: T0 }),
        aMeterReading({ meterId: 'rec-z1', tsMs: T0 + HOUR_MS - 1 }),
        aMeterReading({ meterId: 'rec-z1', tsMs: T0 + HOUR_MS }),
        aParticleSample({ counterId: 'pms-01', tsMs: T0 + MINUTE_MS }),
        aParticleSample({ counterId: 'pms-02', tsMs: T0 + MINUTE_MS }),
        aParticleSample({ counterId: 'pms-01', tsMs: T0 - 1 }),
      ]);

      expect(await store().countReadings('meter', range)).toBe(3);
      expect(await store().countReadings('particle', range)).toBe(2);
    });

    it('is zero on an empty store', async () => {
      const range = { fromMs: T0, toMs: T0 + HOUR_MS };

      expect(await store().countReadings('meter', range)).toBe(0);
      expect(await store().countReadings('particle', range)).toBe(0);
    });
  });

  describe('latestReadings', () => {
    it('is empty on an empty store', async () => {
      expect(await store().latestReadings()).toEqual([]);
    });

    it('returns the newest reading of every meter and every counter, whatever order they were written in', async () => {
      const recNewest = aMeterReading({ meterId: 'rec-z1', tsMs: T0 + 2 * MINUTE_MS, flowM3PerHour: 3, seq: 3 });
      const rejNewest = aMeterReading({ meterId: 'rej-1', role: 'reject', zone: 'plant', tsMs: T0 + 5 * MINUTE_MS, totalizerM3: undefined, seq: 9 });
      const pms1Newest = aParticleSample({ counterId: 'pms-01', tsMs: T0 + 3 * MINUTE_MS, seq: 3 });
      const pms2Newest = aParticleSample({ counterId: 'pms-02', tsMs: T0 + MINUTE_MS, counts: { '0.5': 4 }, seq: 2 });
      const otherRoomNewest = aParticleSample({ roomId: 'cr-2', counterId: 'pms-01', tsMs: T0, seq: 1 });
      await store().writeReadings([
        recNewest,
        aMeterReading({ meterId: 'rec-z1', tsMs: T0, flowM3PerHour: 1, seq: 1 }),
        aMeterReading({ meterId: 'rec-z1', tsMs: T0 + MINUTE_MS, flowM3PerHour: 2, seq: 2 }),
        rejNewest,
        aMeterReading({ meterId: 'rej-1', role: 'reject', zone: 'plant', tsMs: T0 + 4 * MINUTE_MS, totalizerM3: undefined, seq: 8 }),
        pms1Newest,
        aParticleSample({ counterId: 'pms-01', tsMs: T0 + 2 * MINUTE_MS, seq: 2 }),
        aParticleSample({ counterId: 'pms-02', tsMs: T0, seq: 1 }),
        pms2Newest,
        otherRoomNewest,
      ]);

      expect(byDevice(await store().latestReadings())).toStrictEqual(byDevice([recNewest, rejNewest, pms1Newest, pms2Newest, otherRoomNewest]));
    });

    it('returns the newest reading whole, even when it lacks fields older readings had', async () => {
      const meterNewest = aMeterReading({ tsMs: T0 + MINUTE_MS, totalizerM3: undefined, seq: undefined });
      const sampleNewest = aParticleSample({ tsMs: T0 + MINUTE_MS, counts: { '0.5': 3 }, seq: undefined });
      await store().writeReadings([aMeterReading({ tsMs: T0 }), aParticleSample({ tsMs: T0 })]);
      await store().writeReadings([meterNewest, sampleNewest]);

      expect(byDevice(await store().latestReadings())).toStrictEqual(byDevice([meterNewest, sampleNewest]));
    });
  });
}
