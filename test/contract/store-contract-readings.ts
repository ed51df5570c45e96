// Contract part: writing readings and reading them back (exact values, idempotent identity, ranges).
import { describe, expect, it } from 'vitest';
import type { MeterReading, ParticleSample } from '../../core/domain/readings.ts';
import { aMeterReading, aParticleSample, MINUTE_MS, SECOND_MS, T0 } from '../fixtures/readings.ts';
import type { CurrentStore } from './telemetry-store-contract.ts';

const DAY = { fromMs: T0 - 24 * 60 * MINUTE_MS, toMs: T0 + 24 * 60 * MINUTE_MS };
const BIG_BATCH_TIMEOUT_MS = 60_000;

export function describeReadingContract(store: CurrentStore): void {
  describe('writing and reading back', () => {
    it('returns meter readings exactly as written, ascending by time', async () => {
      const newest = aMeterReading({ tsMs: T0 + 2 * MINUTE_MS, flowM3PerHour: 0.1 + 0.2, totalizerM3: 99_999_999.999, seq: 4_294_967_295 });
      const oldest = aMeterReading({ tsMs: T0, flowM3PerHour: 578.125, totalizerM3: undefined, seq: undefined });
      const middle = aMeterReading({ tsMs: T0 + MINUTE_MS, flowM3PerHour: -3.5, quality: 'uncertain', totalizerM3: 0, seq: 0 });

      const result = await store().writeReadings([newest, oldest, middle]);

      expect(result.rejected).toEqual([]);
      expect(await store().readMeterReadings('rec-z1', DAY)).toStrictEqual([oldest, middle, newest]);
    });

    it('returns particle samples exactly as written, keeping channel subsets and zero counts', async () => {
      const subset = aParticleSample({ tsMs: T0, counts: { '0.5': 120, '5.0': 0 } });
      const full = aParticleSample({ tsMs: T0 + MINUTE_MS, volumeLitres: 2.83, counts: { '0.3': 1_000_000, '0.5': 352_000, '1.0': 83_200, '5.0': 2_930 } });
      const noSeq = aParticleSample({ tsMs: T0 + 2 * MINUTE_MS, volumeLitres: 0.1 + 0.2, counts: { '0.3': 1 }, seq: undefined });

      const result = await store().writeReadings([noSeq, subset, full]);

      expect(result.rejected).toEqual([]);
      expect(await store().readParticleSamples({ roomId: 'mask-line' }, DAY)).toStrictEqual([subset, full, noSeq]);
    });

    it('keeps each kind apart when one batch mixes them', async () => {
      const meter = aMeterReading();
      const sample = aParticleSample();

      await store().writeReadings([sample, meter]);

      expect(await store().readMeterReadings('rec-z1', DAY)).toStrictEqual([meter]);
      expect(await store().readParticleSamples({ roomId: 'mask-line' }, DAY)).toStrictEqual([sample]);
    });

    it('round-trips identifiers and labels containing spaces, commas, equals signs and quotes', async () => {
      const meter = aMeterReading({ meterId: `rec-z1 o'neil,a=b`, zone: 'zone "1", east=side' });
      const sample = aParticleSample({ roomId: `mask line, 'B'`, counterId: 'pms=01 "x"' });

      await store().writeReadings([meter, sample]);

      expect(await store().readMeterReadings(meter.meterId, DAY)).toStrictEqual([meter]);
      expect(await store().readParticleSamples({ roomId: sample.roomId, counterId: sample.counterId }, DAY)).toStrictEqual([sample]);
    });

    it('returns nothing for a device it has never seen', async () => {
      await store().writeReadings([aMeterReading(), aParticleSample()]);

      expect(await store().readMeterReadings('tap-z2', DAY)).toEqual([]);
      expect(await store().readParticleSamples({ roomId: 'cr-2' }, DAY)).toEqual([]);
      expect(await store().readParticleSamples({ roomId: 'mask-line', counterId: 'pms-09' }, DAY)).toEqual([]);
    });
  });

  describe('identity is kind + device + tsMs', () => {
    it('overwrites a meter reading written again at the same tsMs: one reading, last value wins', async () => {
      await store().writeReadings([aMeterReading({ flowM3PerHour: 100, totalizerM3: 5_000, seq: 1 })]);
      const again = aMeterReading({ flowM3PerHour: 120.5, totalizerM3: 5_000.25, seq: 2 });

      await store().writeReadings([again]);

      expect(await store().readMeterReadings('rec-z1', DAY)).toStrictEqual([again]);
      expect(await store().countReadings('meter', DAY)).toBe(1);
    });

    it('overwrites a particle sample written again at the same tsMs', async () => {
      await store().writeReadings([aParticleSample({ counts: { '0.5': 10, '5.0': 1 }, seq: 7 })]);
      const again = aParticleSample({ counts: { '0.5': 11, '5.0': 2 }, seq: 8 });

      await store().writeReadings([again]);

      expect(await store().readParticleSamples({ roomId: 'mask-line' }, DAY)).toStrictEqual([again]);
      expect(await store().countReadings('particle', DAY)).toBe(1);
    });

    it('keeps the later of two readings with the same identity inside one batch', async () => {
      const first = aMeterReading({ flowM3PerHour: 1, seq: 1 });
      const second = aMeterReading({ flowM3PerHour: 2, seq: 2 });

      await store().writeReadings([first, second]);

      expect(await store().readMeterReadings('rec-z1', DAY)).toStrictEqual([second]);
    });

    it('keeps readings of different devices at the same tsMs apart', async () => {
      const z1 = aMeterReading({ meterId: 'rec-z1', flowM3PerHour: 580 });
      const z2 = aMeterReading({ meterId: 'rec-z2', zone: 'zone2', flowM3PerHour: 290 });
      const pms1 = aParticleSample({ counterId: 'pms-01', counts: { '0.5': 1 } });
      const pms2 = aParticleSample({ counterId: 'pms-02', counts: { '0.5': 2 } });
      const otherRoom = aParticleSample({ roomId: 'cr-2', counterId: 'pms-01', counts: { '0.5': 3 } });

      await store().writeReadings([z1, z2, pms1, pms2, otherRoom]);

      expect(await store().readMeterReadings('rec-z1', DAY)).toStrictEqual([z1]);
      expect(await store().readMeterReadings('rec-z2', DAY)).toStrictEqual([z2]);
      expect(await store().readParticleSamples({ roomId: 'mask-line', counterId: 'pms-01' }, DAY)).toStrictEqual([pms1]);
      expect(await store().readParticleSamples({ roomId: 'mask-line', counterId: 'pms-02' }, DAY)).toStrictEqual([pms2]);
      expect(await store().readParticleSamples({ roomId: 'cr-2' }, DAY)).toStrictEqual([otherRoom]);
      expect(await store().countReadings('meter', DAY)).toBe(2);
      expect(await store().countReadings('particle', DAY)).toBe(3);
    });
  });

  describe('time ranges are half-open [fromMs, toMs)', () => {
    const range = { fromMs: T0, toMs: T0 + 10 * MINUTE_MS };

    it('includes a meter reading at fromMs and excludes one at toMs', async () => {
      const at = (tsMs: number): MeterReading => aMeterReading({ tsMs, seq: tsMs - T0 });
      await store().writeReadings([at(range.fromMs - 1), at(range.fromMs), at(range.toMs - 1), at(range.toMs)]);

      expect(await store().readMeterReadings('rec-z1', range)).toStrictEqual([at(range.fromMs), at(range.toMs - 1)]);
    });

    it('includes a particle sample at fromMs and excludes one at toMs', async () => {
      const at = (tsMs: number): ParticleSample => aParticleSample({ tsMs, seq: tsMs - T0 });
      await store().writeReadings([at(range.fromMs - 1), at(range.fromMs), at(range.toMs - 1), at(range.toMs)]);

      expect(await store().readParticleSamples({ roomId: 'mask-line' }, range)).toStrictEqual([at(range.fromMs), at(range.toMs - 1)]);
    });
  });

  describe('readParticleSamples', () => {
    const pms1a = aParticleSample({ counterId: 'pms-01', tsMs: T0 });
    const pms2a = aParticleSample({ counterId: 'pms-02', tsMs: T0 + 20 * SECOND_MS });
    const pms1b = aParticleSample({ counterId: 'pms-01', tsMs: T0 + 40 * SECOND_MS });
    const otherRoom = aParticleSample({ roomId: 'cr-2', counterId: 'pms-01', tsMs: T0 + 30 * SECOND_MS });

    it('without counterId returns every counter of the room, ascending by time', async () => {
      await store().writeReadings([pms1b, otherRoom, pms2a, pms1a]);

      expect(await store().readParticleSamples({ roomId: 'mask-line' }, DAY)).toStrictEqual([pms1a, pms2a, pms1b]);
    });

    it('with counterId returns only that counter of that room', async () => {
      await store().writeReadings([pms1b, otherRoom, pms2a, pms1a]);

      expect(await store().readParticleSamples({ roomId: 'mask-line', counterId: 'pms-01' }, DAY)).toStrictEqual([pms1a, pms1b]);
      expect(await store().readParticleSamples({ roomId: 'mask-line', counterId: 'pms-02' }, DAY)).toStrictEqual([pms2a]);
    });
  });

  it(
    'stores a batch of 5,000 readings written in one call',
    async () => {
      const meters = ['inf-z1', 'inf-z2', 'rec-z1', 'rec-z2'].flatMap((meterId) =>
        Array.from({ length: 1_000 }, (_, i) => aMeterReading({ meterId, tsMs: T0 + i * SECOND_MS, flowM3PerHour: 500 + i / 8, totalizerM3: 1_000_000 + i, seq: i })),
      );
      const samples = ['pms-01', 'pms-02'].flatMap((counterId) =>
        Array.from({ length: 500 }, (_, i) => aParticleSample({ counterId, tsMs: T0 + i * MINUTE_MS, counts: { '0.5': i, '5.0': i % 3 }, seq: i })),
      );
      const window = { fromMs: T0, toMs: T0 + 1_000 * MINUTE_MS };

      const result = await store().writeReadings([...meters, ...samples]);

      expect(result.rejected).toEqual([]);
      expect(await store().countReadings('meter', window)).toBe(4_000);
      expect(await store().countReadings('particle', window)).toBe(1_000);
      expect(await store().readMeterReadings('rec-z2', window)).toStrictEqual(meters.filter((r) => r.meterId === 'rec-z2'));
      expect(await store().readParticleSamples({ roomId: 'mask-line', counterId: 'pms-02' }, window)).toStrictEqual(
        samples.filter((s) => s.counterId === 'pms-02'),
      );
    },
    BIG_BATCH_TIMEOUT_MS,
  );
}
