// InfluxDB adapter behaviour the contract cannot express: line-protocol escaping against the real
// parser, 4xx refusals bisected to the offending readings, and faults (stopped, hung influxd).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxStore, type InfluxStoreOptions } from '../../core/adapters/influx/influx-store.ts';
import type { Reading } from '../../core/domain/readings.ts';
import { StoreUnavailableError, type TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { aDeadLetter, aMeterReading, aParticleSample, HOUR_MS, MINUTE_MS, T0 } from '../fixtures/readings.ts';
import { startInfluxd, type RunningInfluxd } from '../harness/influxd.ts';

const SERVICE_TIMEOUT_MS = 90_000;
const ALL_TIME = { fromMs: Number.NEGATIVE_INFINITY, toMs: Number.POSITIVE_INFINITY };
const DAY = { fromMs: T0 - 24 * HOUR_MS, toMs: T0 + 24 * HOUR_MS };
/** InfluxDB 1.x shard groups of an infinite retention policy span 7 days from Monday 00:00 UTC, T0's week. */
/** Test databases use 52-week shard groups (see the harness): two years on is always another shard. */
const ANOTHER_SHARD_MS = 2 * 366 * 24 * HOUR_MS;

let influxd: RunningInfluxd;
let databases = 0;
const opened: { store: TelemetryStore; database: string }[] = [];

beforeAll(async () => {
  influxd = await startInfluxd();
}, SERVICE_TIMEOUT_MS);

afterAll(async () => {
  await influxd?.stop();
}, SERVICE_TIMEOUT_MS);

afterEach(async () => {
  for (const { store, database } of opened.splice(0)) {
    await store.close();
    await influxd.dropDatabase(database);
  }
}, SERVICE_TIMEOUT_MS);

/** A started store over a fresh database. */
async function freshStore(overrides: Partial<InfluxStoreOptions> = {}): Promise<{ store: TelemetryStore; database: string }> {
  const database = `adapter_${process.pid}_${++databases}`;
  await influxd.createDatabase(database);
  const store = createInfluxStore({ url: influxd.url, org: 'k14', bucket: database, ...overrides });
  opened.push({ store, database });
  await store.start();
  return { store, database };
}

describe('gzipped writes', () => {
  it('stores what it wrote with compressed bodies (INFLUX_WRITE_GZIP=on)', async () => {
    const { store } = await freshStore({ gzipWrites: true });
    const readings = Array.from({ length: 200 }, (_, i) => aMeterReading({ meterId: 'gz-1', zone: 'zone ümlaut', tsMs: T0 + i * MINUTE_MS }));

    expect((await store.writeReadings(readings)).rejected).toEqual([]);

    expect(await store.readMeterReadings('gz-1', DAY)).toStrictEqual(readings);
  });
});

describe('line-protocol escaping against the real parser', () => {
  const awkward = [
    'with space',
    'comma,inside',
    'equals=inside',
    `quotes "double" and 'single'`,
    'back\\slash',
    'backslash before comma\\,x',
    'backslash before space\\ x',
    'backslash before equals\\=x',
    'double \\\\ backslash',
    '\\leading backslash',
    'tab\tand\rcarriage return',
    'ümlaut – 溫度 ✓ 🚰 e\u0301 \ufeff zero\u200bwidth',
    '#not-a-comment',
  ];

  it('round-trips awkward meter ids and zones byte for byte', async () => {
    const { store } = await freshStore();
    const readings = awkward.map((id, i) => aMeterReading({ meterId: id, zone: `zone ${id}`, tsMs: T0 + i * MINUTE_MS }));

    expect((await store.writeReadings(readings)).rejected).toEqual([]);

    for (const reading of readings) {
      const [back] = await store.readMeterReadings(reading.meterId, DAY);
      expect(back).toStrictEqual(reading);
      expect(Buffer.from(back?.kind === 'meter' ? back.zone : '').equals(Buffer.from(reading.zone))).toBe(true);
    }
  });

  it('round-trips awkward room and counter ids, also through latestReadings', async () => {
    const { store } = await freshStore();
    const samples = awkward.map((id, i) => aParticleSample({ roomId: `room ${id}`, counterId: id, tsMs: T0 + i * MINUTE_MS }));

    await store.writeReadings(samples);

    for (const sample of samples) {
      expect(await store.readParticleSamples({ roomId: sample.roomId, counterId: sample.counterId }, DAY)).toStrictEqual([sample]);
    }
    const byId = (rs: Reading[]): Reading[] => [...rs].sort((a, b) => (a.tsMs < b.tsMs ? -1 : 1));
    expect(byId(await store.latestReadings())).toStrictEqual(samples);
  });

  it('refuses, without sending, ids the line protocol cannot carry and stores the rest', async () => {
    const { store } = await freshStore();
    const trailing = aMeterReading({ meterId: 'ends with\\' });
    const newline = aParticleSample({ counterId: 'two\nlines' });
    const notFinite = aMeterReading({ meterId: 'nan', flowM3PerHour: Number.NaN });
    const fine = aMeterReading({ meterId: 'fine' });

    const { rejected } = await store.writeReadings([trailing, fine, newline, notFinite]);

    expect(rejected).toEqual([
      { reading: trailing, reason: 'tag meter cannot end with a backslash in InfluxDB line protocol' },
      { reading: newline, reason: 'tag counter cannot contain a line break in InfluxDB line protocol' },
      { reading: notFinite, reason: 'flowM3PerHour must be a finite number, got NaN' },
    ]);
    expect(await store.readMeterReadings('fine', DAY)).toStrictEqual([fine]);
    expect(await store.countReadings('meter', ALL_TIME)).toBe(1);
  });
});

describe('4xx refusals', () => {
  /** 1.x keeps one type per field per measurement and shard: an integer flow poisons that shard's meters. */
  const CONFLICT = /^partial write: field type conflict: input field "flow_m3h" on measurement "meter_reading" is type float, already exists as type integer dropped=1$/;

  async function storeWithIntegerFlow(overrides: Partial<InfluxStoreOptions> = {}): Promise<TelemetryStore> {
    const { store, database } = await freshStore(overrides);
    await influxd.writeLines(database, `meter_reading,meter=legacy,role=tap,zone=zone1 flow_m3h=1i ${T0 + HOUR_MS}000000`);
    return store;
  }

  it('returns the conflicting readings with the server message and stores every other reading of the batch', async () => {
    const store = await storeWithIntegerFlow();
    const conflicting = [aMeterReading({ tsMs: T0 }), aMeterReading({ meterId: 'legacy', role: 'tap', tsMs: T0 + MINUTE_MS })];
    const otherShard = aMeterReading({ tsMs: T0 + ANOTHER_SHARD_MS });
    const samples = [aParticleSample({ tsMs: T0 }), aParticleSample({ tsMs: T0 + MINUTE_MS, counterId: 'pms-02' })];

    const { rejected } = await store.writeReadings([samples[0]!, conflicting[0]!, otherShard, conflicting[1]!, samples[1]!]);

    expect(rejected.map((r) => r.reading)).toStrictEqual(conflicting);
    for (const r of rejected) expect(r.reason).toMatch(CONFLICT);
    expect(await store.readMeterReadings('rec-z1', ALL_TIME)).toStrictEqual([otherShard]);
    expect(await store.readParticleSamples({ roomId: 'mask-line' }, ALL_TIME)).toStrictEqual(samples);
  });

  it('maps refusals back to the right readings when a call spans several requests', async () => {
    const store = await storeWithIntegerFlow({ maxLinesPerRequest: 3 });
    const readings: Reading[] = Array.from({ length: 11 }, (_, i) =>
      i % 4 === 2 ? aMeterReading({ tsMs: T0 + i * MINUTE_MS, seq: i }) : aParticleSample({ tsMs: T0 + i * MINUTE_MS, seq: i }),
    );

    const { rejected } = await store.writeReadings(readings);

    expect(rejected.map((r) => r.reading.seq)).toEqual([2, 6, 10]);
    expect(await store.countReadings('particle', ALL_TIME)).toBe(8);
  });

  it('keeps the refusals of concurrent calls apart', async () => {
    const store = await storeWithIntegerFlow();
    const batch = (counterId: string): Reading[] => [
      aParticleSample({ counterId, tsMs: T0 }),
      aMeterReading({ meterId: `m-${counterId}`, tsMs: T0 }),
      aParticleSample({ counterId, tsMs: T0 + MINUTE_MS }),
    ];
    const [a, b] = [batch('pms-a'), batch('pms-b')];

    const [resultA, resultB] = await Promise.all([store.writeReadings(a), store.writeReadings(b)]);

    expect(resultA.rejected.map((r) => r.reading)).toStrictEqual([a[1]]);
    expect(resultB.rejected.map((r) => r.reading)).toStrictEqual([b[1]]);
    expect(await store.countReadings('particle', ALL_TIME)).toBe(4);
  });
});

describe('faults', () => {
  const expectUnavailable = async (promise: Promise<unknown>): Promise<void> => {
    await expect(promise).rejects.toBeInstanceOf(StoreUnavailableError);
  };

  it('throws StoreUnavailableError for writes, reads and start() while influxd is stopped, and recovers after', async () => {
    const { store, database } = await freshStore();
    const direct = createInfluxStore({ url: influxd.directUrl, bucket: database });
    await influxd.kill('SIGTERM');
    try {
      await expectUnavailable(store.writeReadings([aMeterReading()]));
      await expectUnavailable(store.writeDeadLetters([aDeadLetter()]));
      await expectUnavailable(store.readMeterReadings('rec-z1', DAY));
      await expectUnavailable(store.latestReadings());
      await expectUnavailable(store.start());
      // Straight to the port nobody listens on: connection refused rather than the proxy's 502.
      await expectUnavailable(direct.start());
      await expectUnavailable(direct.countReadings('meter', DAY));
    } finally {
      await direct.close();
      await influxd.start();
    }

    expect((await store.writeReadings([aMeterReading()])).rejected).toEqual([]);
    expect(await store.readMeterReadings('rec-z1', DAY)).toStrictEqual([aMeterReading()]);
  }, SERVICE_TIMEOUT_MS);

  it('throws StoreUnavailableError once the timeout passes while influxd hangs, and takes the retry after', async () => {
    const { store } = await freshStore({ writeTimeoutMs: 300, queryTimeoutMs: 300, pingTimeoutMs: 300 });
    const reading = aMeterReading();
    await influxd.pause();
    try {
      const startedAt = Date.now();
      await expectUnavailable(store.writeReadings([reading]));
      await expectUnavailable(store.countReadings('meter', DAY));
      await expectUnavailable(store.start());
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    } finally {
      await influxd.resume();
    }

    // The timed-out request may still land once influxd resumes; retrying the same batch is what
    // the caller does, and overwriting makes the two indistinguishable.
    expect((await store.writeReadings([reading])).rejected).toEqual([]);
    expect(await store.readMeterReadings('rec-z1', DAY)).toStrictEqual([reading]);
  }, SERVICE_TIMEOUT_MS);
});
