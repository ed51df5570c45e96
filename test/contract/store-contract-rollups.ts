// Contract part: meter rollups (exact integer volumes, overwrite by period + meter + start, range
// reads, per-meter sums, newest start), recorded meter replacements, and the readings bounding a range.
import { describe, expect, it } from 'vitest';
import type { MeterReading } from '../../core/domain/readings.ts';
import type { MeterRollup } from '../../core/domain/water/rollup.ts';
import { BOUNDING_READING_MAX_DISTANCE_MS, type RollupSum } from '../../core/ports/telemetry-store.ts';
import { aMeterReading, HOUR_MS, MINUTE_MS, T0 } from '../fixtures/readings.ts';
import { aReplacement, aRollup, DAY_MS } from '../fixtures/water.ts';
import type { CurrentStore } from './telemetry-store-contract.ts';

const A_DAY = { fromMs: T0, toMs: T0 + DAY_MS };
const BIG_BATCH_TIMEOUT_MS = 60_000;

/** The port promises no order for sums. */
const byMeter = (sums: readonly RollupSum[]): RollupSum[] => [...sums].sort((a, b) => (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0));
const hourly = (meterId: string, hour: number, overrides: Partial<MeterRollup> = {}): MeterRollup =>
  aRollup({ meterId, startMs: T0 + hour * HOUR_MS, volumeMl: 1_000_000 * hour + meterId.length, ...overrides });

export function describeRollupContract(store: CurrentStore): void {
  describe('meter rollups', () => {
    it('has none on an empty store', async () => {
      expect(await store().readRollups({ period: 'hour', range: A_DAY })).toEqual([]);
      expect(await store().sumRollups({ period: 'hour', range: A_DAY })).toEqual([]);
      expect(await store().latestRollupStart('hour')).toBeUndefined();
      expect(await store().latestRollupStart('day')).toBeUndefined();
    });

    it('returns rollups exactly as written, volumes of trillions of mL included', async () => {
      const big = aRollup({ startMs: T0, volumeMl: 7_654_321_987_654, methods: ['replacement', 'totalizer'] });
      const awkward = aRollup({ meterId: `rec-z1 o'neil,a=b`, role: 'reject', zone: 'zone "1", east=side', volumeMl: 999_999_999_999, methods: ['integrated_flow', 'rollover'] });
      const empty = aRollup({ startMs: T0 + HOUR_MS, volumeMl: 0, coveredMs: 0, methods: [] });
      const provisional = aRollup({ startMs: T0 + 2 * HOUR_MS, volumeMl: 1, coveredMs: 1_234_567, methods: ['totalizer', 'unexplained_reset'], unexplainedResets: 2 });

      await store().writeRollups([provisional, awkward, empty, big]);

      expect(await store().readRollups({ period: 'hour', range: A_DAY })).toStrictEqual([big, awkward, empty, provisional]);
    });

    it('overwrites a rollup written again for the same period, meter and startMs; the later one in a batch wins', async () => {
      await store().writeRollups([aRollup({ volumeMl: 100, coveredMs: 60_000, methods: ['totalizer', 'unexplained_reset'], unexplainedResets: 1 })]);
      const rerolled = aRollup({ volumeMl: 578_250_001, methods: ['replacement'], unexplainedResets: 0 });
      const laterInBatch = aRollup({ startMs: T0 + HOUR_MS, volumeMl: 2 });

      await store().writeRollups([rerolled, aRollup({ startMs: T0 + HOUR_MS, volumeMl: 1 }), laterInBatch]);

      expect(await store().readRollups({ period: 'hour', range: A_DAY })).toStrictEqual([rerolled, laterInBatch]);
      expect(await store().sumRollups({ period: 'hour', range: A_DAY })).toStrictEqual([
        { meterId: 'rec-z1', volumeMl: 578_250_003, coveredMs: 2 * HOUR_MS, rollupCount: 2, unexplainedResets: 0 },
      ]);
    });

    it('keeps hourly and daily rollups apart, even of one meter at one startMs', async () => {
      const hour = aRollup({ period: 'hour', volumeMl: 500 });
      const day = aRollup({ period: 'day', volumeMl: 12_000, coveredMs: DAY_MS });

      await store().writeRollups([hour, day]);

      expect(await store().readRollups({ period: 'hour', range: A_DAY })).toStrictEqual([hour]);
      expect(await store().readRollups({ period: 'day', range: A_DAY })).toStrictEqual([day]);
      expect(await store().sumRollups({ period: 'day', range: A_DAY })).toStrictEqual([
        { meterId: 'rec-z1', volumeMl: 12_000, coveredMs: DAY_MS, rollupCount: 1, unexplainedResets: 0 },
      ]);
    });

    it('reads rollups with startMs in [fromMs, toMs), ascending by startMs then meterId, all meters unless meterIds is given', async () => {
      const meters = ['tap-z1', 'inf-z1', 'rec-z2'];
      const rollups = [0, 1, 2, 3, 4].flatMap((hour) => meters.map((meterId) => hourly(meterId, hour)));
      await store().writeRollups([...rollups].reverse());
      const range = { fromMs: T0 + HOUR_MS, toMs: T0 + 4 * HOUR_MS };
      const expected = (ids: readonly string[]): MeterRollup[] => [1, 2, 3].flatMap((hour) => [...ids].sort().map((meterId) => hourly(meterId, hour)));

      expect(await store().readRollups({ period: 'hour', range })).toStrictEqual(expected(meters));
      expect(await store().readRollups({ period: 'hour', range, meterIds: ['tap-z1', 'inf-z1', 'tap-z9'] })).toStrictEqual(expected(['inf-z1', 'tap-z1']));
      expect(await store().readRollups({ period: 'hour', range, meterIds: ['tap-z9'] })).toEqual([]);
      expect(await store().readRollups({ period: 'hour', range, meterIds: [] })).toEqual([]);
    });

    it('sums per meter over [fromMs, toMs): exact volume, covered time, rollup count and unexplained resets', async () => {
      await store().writeRollups([
        hourly('rec-z1', -1, { volumeMl: 5 }),
        hourly('rec-z1', 0, { volumeMl: 7_654_321_987_654 }),
        hourly('rec-z1', 1, { volumeMl: 1, coveredMs: 1_800_000, methods: ['totalizer', 'unexplained_reset'], unexplainedResets: 1 }),
        hourly('rec-z1', 2, { volumeMl: 999_999_999_999, coveredMs: HOUR_MS - 1, methods: ['unexplained_reset'], unexplainedResets: 2 }),
        hourly('rec-z1', 3, { volumeMl: 7 }),
        aRollup({ period: 'day', volumeMl: 11 }),
        hourly('inf-z1', 1, { role: 'influent', volumeMl: 300_000_000, coveredMs: 0, methods: ['integrated_flow'] }),
        hourly('tap-z1', 5, { role: 'tap' }),
      ]);

      const sums = await store().sumRollups({ period: 'hour', range: { fromMs: T0, toMs: T0 + 3 * HOUR_MS } });

      expect(byMeter(sums)).toStrictEqual([
        { meterId: 'inf-z1', volumeMl: 300_000_000, coveredMs: 0, rollupCount: 1, unexplainedResets: 0 },
        { meterId: 'rec-z1', volumeMl: 8_654_321_987_654, coveredMs: 8_999_999, rollupCount: 3, unexplainedResets: 3 },
      ]);
    });

    it('sums only the meters in meterIds, and none for an empty list', async () => {
      await store().writeRollups(['rec-z1', 'rec-z2', 'inf-z1'].map((meterId) => hourly(meterId, 0)));

      const sums = await store().sumRollups({ period: 'hour', range: A_DAY, meterIds: ['rec-z2', 'inf-z1', 'tap-z9'] });

      expect(byMeter(sums).map((s) => [s.meterId, s.volumeMl, s.rollupCount])).toEqual([
        ['inf-z1', 6, 1],
        ['rec-z2', 6, 1],
      ]);
      expect(await store().sumRollups({ period: 'hour', range: A_DAY, meterIds: [] })).toEqual([]);
    });

    it(
      'stores and sums 7,200 rollups written in one call',
      async () => {
        const meters = ['inf-z1', 'rec-z1', 'rej-1'];
        const rollups = meters.flatMap((meterId) => Array.from({ length: 2_400 }, (_, hour) => hourly(meterId, hour, { volumeMl: 578_250_000 + 7 * hour })));
        const range = { fromMs: T0 + 100 * HOUR_MS, toMs: T0 + 2_100 * HOUR_MS };
        const expectedVolume = rollups.filter((r) => r.meterId === 'rec-z1' && r.startMs >= range.fromMs && r.startMs < range.toMs).reduce((sum, r) => sum + r.volumeMl, 0);

        await store().writeRollups(rollups);

        const sums = byMeter(await store().sumRollups({ period: 'hour', range }));
        expect(sums.map((s) => [s.meterId, s.rollupCount])).toEqual(meters.map((meterId) => [meterId, 2_000]));
        expect(sums.find((s) => s.meterId === 'rec-z1')?.volumeMl).toBe(expectedVolume);
        expect(await store().readRollups({ period: 'hour', range: { fromMs: T0, toMs: T0 + 2_400 * HOUR_MS }, meterIds: ['rej-1'] })).toStrictEqual(
          rollups.filter((r) => r.meterId === 'rej-1'),
        );
        expect(await store().latestRollupStart('hour')).toBe(T0 + 2_399 * HOUR_MS);
      },
      BIG_BATCH_TIMEOUT_MS,
    );

    it('gives the newest startMs of each period over all meters, whatever order they were written in', async () => {
      await store().writeRollups([
        hourly('inf-z1', 5),
        hourly('rec-z1', 0),
        hourly('rec-z1', 2),
        aRollup({ period: 'day', meterId: 'rec-z1', startMs: T0 - DAY_MS }),
        aRollup({ period: 'day', meterId: 'inf-z1', startMs: T0 - 2 * DAY_MS }),
      ]);

      expect(await store().latestRollupStart('hour')).toBe(T0 + 5 * HOUR_MS);
      expect(await store().latestRollupStart('day')).toBe(T0 - DAY_MS);
    });

    it('has no newest startMs for a period without rollups', async () => {
      await store().writeRollups([hourly('rec-z1', 0)]);

      expect(await store().latestRollupStart('day')).toBeUndefined();
    });
  });

  describe('meter replacements', () => {
    it('lists none on an empty store', async () => {
      expect(await store().listMeterReplacements()).toEqual([]);
      expect(await store().listMeterReplacements('rec-z1')).toEqual([]);
    });

    it('returns replacements exactly as recorded', async () => {
      const plain = aReplacement();
      const awkward = aReplacement({
        meterId: `rec-z1 o'neil,a=b`,
        atMs: T0 + HOUR_MS,
        oldFinalM3: 99_999_999.999,
        newInitialM3: 0.1 + 0.2,
        recordedBy: 'Lin "Wei", shift B',
        comment: 'line one\nline two\r\n\t"quoted" \\ back\\slash – 溫度 ✓',
      });
      const zero = aReplacement({ meterId: 'inf-z1', atMs: T0 + 2 * HOUR_MS, oldFinalM3: 5, newInitialM3: 0, recordedBy: '', comment: '' });

      for (const replacement of [zero, awkward, plain]) await store().writeMeterReplacement(replacement);

      expect(await store().listMeterReplacements()).toStrictEqual([plain, awkward, zero]);
      expect(await store().listMeterReplacements(awkward.meterId)).toStrictEqual([awkward]);
    });

    it('overwrites a replacement recorded again for the same meter and atMs', async () => {
      await store().writeMeterReplacement(aReplacement({ oldFinalM3: 1, comment: 'typo' }));
      const corrected = aReplacement({ oldFinalM3: 48_213_907.75, recordedAtMs: T0 + 3 * HOUR_MS, comment: 'corrected final reading' });

      await store().writeMeterReplacement(corrected);

      expect(await store().listMeterReplacements()).toStrictEqual([corrected]);
    });

    it("lists every meter's replacements ascending by atMs, or one meter's only", async () => {
      const late = aReplacement({ meterId: 'rec-z1', atMs: T0 + 3 * HOUR_MS });
      const other = aReplacement({ meterId: 'inf-z1', atMs: T0 + HOUR_MS });
      const early = aReplacement({ meterId: 'rec-z1', atMs: T0 + 2 * HOUR_MS });
      const oldest = aReplacement({ meterId: 'rec-z2', atMs: T0 - DAY_MS });

      for (const replacement of [late, other, early, oldest]) await store().writeMeterReplacement(replacement);

      expect(await store().listMeterReplacements()).toStrictEqual([oldest, other, early, late]);
      expect(await store().listMeterReplacements('rec-z1')).toStrictEqual([early, late]);
      expect(await store().listMeterReplacements('tap-z9')).toEqual([]);
    });
  });

  describe('boundingMeterReadings', () => {
    const range = { fromMs: T0, toMs: T0 + HOUR_MS };
    const at = (tsMs: number, meterId = 'rec-z1'): MeterReading => aMeterReading({ meterId, tsMs, seq: Math.abs(tsMs - T0), totalizerM3: 50_000 + (tsMs - T0) / MINUTE_MS });

    it("returns the meter's last reading before fromMs and its first at or after toMs, whole", async () => {
      const before = aMeterReading({ tsMs: T0 - MINUTE_MS, totalizerM3: undefined, seq: undefined, quality: 'uncertain' });
      const after = at(T0 + HOUR_MS + MINUTE_MS);
      await store().writeReadings([
        at(T0 - 2 * HOUR_MS),
        before,
        at(T0 + 30 * MINUTE_MS),
        after,
        at(T0 + 2 * HOUR_MS),
        // Closer to the range, but another meter's.
        at(T0 - 1, 'rec-z2'),
        at(T0 + HOUR_MS, 'rec-z2'),
      ]);

      expect(await store().boundingMeterReadings('rec-z1', range)).toStrictEqual({ before, after });
    });

    it('does not count a reading at fromMs as before the range, and counts one at toMs as after it', async () => {
      await store().writeReadings([at(T0 - MINUTE_MS), at(T0), at(T0 + HOUR_MS), at(T0 + HOUR_MS + MINUTE_MS)]);

      expect(await store().boundingMeterReadings('rec-z1', range)).toStrictEqual({ before: at(T0 - MINUTE_MS), after: at(T0 + HOUR_MS) });
    });

    it('leaves out a side without readings', async () => {
      await store().writeReadings([at(T0), at(T0 + 30 * MINUTE_MS), at(T0 - DAY_MS, 'rec-z2'), at(T0 + DAY_MS, 'rec-z2')]);

      const inside = await store().boundingMeterReadings('rec-z1', range);
      expect(inside.before).toBeUndefined();
      expect(inside.after).toBeUndefined();
      const onlyBefore = await store().boundingMeterReadings('rec-z1', { fromMs: T0 + HOUR_MS, toMs: T0 + 2 * HOUR_MS });
      expect(onlyBefore.before).toStrictEqual(at(T0 + 30 * MINUTE_MS));
      expect(onlyBefore.after).toBeUndefined();
      const onlyAfter = await store().boundingMeterReadings('rec-z1', { fromMs: T0 - HOUR_MS, toMs: T0 });
      expect(onlyAfter.before).toBeUndefined();
      expect(onlyAfter.after).toStrictEqual(at(T0));
      const unknown = await store().boundingMeterReadings('tap-z9', range);
      expect(unknown.before).toBeUndefined();
      expect(unknown.after).toBeUndefined();
    });

    it('looks no further than BOUNDING_READING_MAX_DISTANCE_MS either side', async () => {
      const reach = BOUNDING_READING_MAX_DISTANCE_MS;
      await store().writeReadings([at(T0 - reach - 1), at(T0 + HOUR_MS + reach), at(T0 - 2 * reach), at(T0 + 3 * reach)]);

      expect(await store().boundingMeterReadings('rec-z1', range)).toStrictEqual({});
      await store().writeReadings([at(T0 - reach)]);
      expect(await store().boundingMeterReadings('rec-z1', range)).toStrictEqual({ before: at(T0 - reach) });
    });
  });
}
