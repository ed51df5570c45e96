// The raw-edge cache with an in-memory reader and a fake clock: same readings as a direct read,
// shared reads, re-reads after its time to live, and no caching of long ranges or failures.
import { describe, expect, it } from 'vitest';
import type { MeterReading } from '../../../core/domain/readings.ts';
import { orderedReadings } from '../../../core/domain/water/meter-volume.ts';
import { RawReadingsCache } from '../../../api/water/raw-readings-cache.ts';
import type { TimeRange } from '../../../core/ports/telemetry-store.ts';
import { aMeterReading } from '../../fixtures/readings.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 0);

/** What readingsAcross(store, …) answers, over an array standing in for the store. */
function memoryReader(stored: MeterReading[]) {
  const calls: TimeRange[] = [];
  const read = async (meterId: string, range: TimeRange): Promise<MeterReading[]> => {
    calls.push(range);
    const mine = orderedReadings(stored.filter((r) => r.meterId === meterId));
    const before = mine.filter((r) => r.tsMs < range.fromMs).at(-1);
    const after = mine.find((r) => r.tsMs >= range.toMs);
    const inside = mine.filter((r) => r.tsMs >= range.fromMs && r.tsMs < range.toMs);
    return [...(before ? [before] : []), ...inside, ...(after ? [after] : [])];
  };
  return { read, calls };
}

const at = (minutes: number, totalizerM3: number) => aMeterReading({ meterId: 'rec-z1', tsMs: T0 + minutes * MIN, totalizerM3 });
const quarterHourly = (untilMinutes: number) => Array.from({ length: untilMinutes / 15 + 1 }, (_, i) => at(i * 15, 100 + i));

describe('RawReadingsCache', () => {
  it('answers a window across hours with the readings a direct read gives, plus only readings outside it', async () => {
    const stored = quarterHourly(5 * 60);
    const { read } = memoryReader(stored);
    const cache = new RawReadingsCache(read, () => T0 + 6 * HOUR);
    const range = { fromMs: T0 + 50 * MIN, toMs: T0 + 3 * HOUR + 20 * MIN };
    const direct = await read('rec-z1', range);
    const cached = await cache.readingsAcross('rec-z1', range);
    expect(cached.filter((r) => r.tsMs >= direct[0]!.tsMs && r.tsMs <= direct.at(-1)!.tsMs)).toEqual(direct);
    expect(new Set(cached.map((r) => r.tsMs)).size).toBe(cached.length);
  });

  it('shares one read per meter and hour between concurrent and repeated requests within its time to live', async () => {
    let now = T0 + 30 * MIN;
    const { read, calls } = memoryReader(quarterHourly(30));
    const cache = new RawReadingsCache(read, () => now);
    const range = { fromMs: T0, toMs: now };
    await Promise.all([cache.readingsAcross('rec-z1', range), cache.readingsAcross('rec-z1', range)]);
    now += 999;
    await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: now });
    expect(calls).toHaveLength(1);
  });

  it('re-reads the open hour after 1 s, so a new or late reading is counted', async () => {
    let now = T0 + 30 * MIN;
    const stored = quarterHourly(30);
    const { read } = memoryReader(stored);
    const cache = new RawReadingsCache(read, () => now);
    expect(await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: now })).toHaveLength(3);
    stored.push(at(40, 102.5), at(5, 100.25));
    now += 1_001;
    expect((await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: now })).map((r) => r.tsMs - T0)).toEqual([0, 5, 15, 30, 40].map((m) => m * MIN));
  });

  it('reads a range longer than its hour limit straight through, and forgets everything on invalidate', async () => {
    const now = T0 + 100 * HOUR;
    const { read, calls } = memoryReader(quarterHourly(60));
    const cache = new RawReadingsCache(read, () => now, { maxHours: 48 });
    await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: T0 + 49 * HOUR });
    expect(calls).toEqual([{ fromMs: T0, toMs: T0 + 49 * HOUR }]);
    await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: T0 + HOUR });
    cache.invalidate();
    await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: T0 + HOUR });
    expect(calls).toHaveLength(3);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const cache = new RawReadingsCache(
      async () => {
        if (fail) throw new Error('influxd is down');
        return [at(0, 1)];
      },
      () => T0 + 30 * MIN,
    );
    await expect(cache.readingsAcross('rec-z1', { fromMs: T0, toMs: T0 + 30 * MIN })).rejects.toThrow('influxd is down');
    fail = false;
    expect(await cache.readingsAcross('rec-z1', { fromMs: T0, toMs: T0 + 30 * MIN })).toHaveLength(1);
  });
});
