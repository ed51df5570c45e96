// Runs the TelemetryStore contract against the SQLite adapter on a real file, and checks that two
// connections to one file (the ingest and API processes) see each other's writes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../core/adapters/sqlite/open-sqlite-store.ts';
import { SCHEMA_VERSION } from '../../core/adapters/sqlite/sqlite-schema.ts';
import { StoreUnavailableError, type TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { aDeadLetter, aMeterReading, HOUR_MS, T0 } from '../fixtures/readings.ts';
import { aReplacement, aRollup } from '../fixtures/water.ts';
import { describeTelemetryStoreContract } from './telemetry-store-contract.ts';

async function aTempDir(): Promise<{ dir: string; removeDir: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'k14-sqlite-store-'));
  return { dir, removeDir: () => rm(dir, { recursive: true, force: true }) };
}

describeTelemetryStoreContract('SQLite', async () => {
  const { dir, removeDir } = await aTempDir();
  // A subdirectory that does not exist yet: the adapter has to create it.
  return { store: openSqliteStore({ file: join(dir, 'data', 'telemetry.sqlite') }), cleanup: removeDir };
});

describe('SQLite store shared by two processes', () => {
  const toClose: TelemetryStore[] = [];
  let removeDir: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((store) => store.close()));
    await removeDir?.();
    removeDir = undefined;
  });

  async function twoStoresOnOneFile(): Promise<[TelemetryStore, TelemetryStore]> {
    const temp = await aTempDir();
    removeDir = temp.removeDir;
    const file = join(temp.dir, 'telemetry.sqlite');
    const ingest = openSqliteStore({ file });
    const api = openSqliteStore({ file });
    toClose.push(ingest, api);
    await Promise.all([ingest.start(), api.start()]);
    return [ingest, api];
  }

  it('lets each connection read what the other wrote', async () => {
    const [ingest, api] = await twoStoresOnOneFile();
    const reading = aMeterReading();
    const letter = aDeadLetter();

    await ingest.writeReadings([reading]);
    await ingest.writeDeadLetters([letter]);

    expect(await api.readMeterReadings(reading.meterId, { fromMs: T0, toMs: T0 + HOUR_MS })).toStrictEqual([reading]);
    expect(await api.listDeadLetters({})).toStrictEqual([letter]);

    // The API marks a letter replayed; ingest sees the change.
    await api.writeDeadLetters([{ ...letter, status: 'replayed' }]);
    expect(await ingest.listDeadLetters({})).toEqual([]);
  });

  it('opens the same file again after close and finds the data still there', async () => {
    const [ingest, api] = await twoStoresOnOneFile();
    await ingest.writeReadings([aMeterReading()]);
    await ingest.close();
    await ingest.start();

    expect(await ingest.countReadings('meter', { fromMs: T0, toMs: T0 + HOUR_MS })).toBe(1);
    expect(await api.latestReadings()).toStrictEqual([aMeterReading()]);
  });
});

describe('SQLite store schema version', () => {
  it('records the schema version in user_version and refuses a file from a newer build', async () => {
    const { dir, removeDir } = await aTempDir();
    try {
      const file = join(dir, 'telemetry.sqlite');
      const store = openSqliteStore({ file });
      await store.start();
      await store.close();
      const db = new Database(file);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();

      await expect(openSqliteStore({ file }).start()).rejects.toThrow(StoreUnavailableError);
    } finally {
      await removeDir();
    }
  });

  it('upgrades a version 1 file in place: readings kept, rollups and replacements usable', async () => {
    const { dir, removeDir } = await aTempDir();
    try {
      const file = join(dir, 'telemetry.sqlite');
      const older = openSqliteStore({ file });
      await older.start();
      await older.writeReadings([aMeterReading()]);
      await older.close();
      // What a build from before rollups left behind: the version 1 tables only.
      const db = new Database(file);
      db.exec('DROP TABLE meter_rollups; DROP TABLE meter_replacements');
      db.pragma('user_version = 1');
      db.close();

      const store = openSqliteStore({ file });
      await store.start();
      try {
        expect(await store.readMeterReadings('rec-z1', { fromMs: T0, toMs: T0 + HOUR_MS })).toStrictEqual([aMeterReading()]);
        await store.writeRollups([aRollup()]);
        await store.writeMeterReplacement(aReplacement());
        expect(await store.readRollups({ period: 'hour', range: { fromMs: T0, toMs: T0 + HOUR_MS } })).toStrictEqual([aRollup()]);
        expect(await store.listMeterReplacements()).toStrictEqual([aReplacement()]);
      } finally {
        await store.close();
      }
      const upgraded = new Database(file, { readonly: true });
      expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      upgraded.close();
    } finally {
      await removeDir();
    }
  });
});

describe('SQLite store in memory', () => {
  it('works with :memory: for unit-level use', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    await store.start();
    try {
      await store.writeReadings([aMeterReading()]);
      expect(await store.latestReadings()).toStrictEqual([aMeterReading()]);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite rollups stay exact', () => {
  it('refuses a batch holding a volume that is not a safe integer, and a sum it could not return exactly', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    await store.start();
    try {
      const range = { fromMs: T0, toMs: T0 + 2 * HOUR_MS };
      await expect(store.writeRollups([aRollup(), aRollup({ startMs: T0 + HOUR_MS, volumeMl: 1.5 })])).rejects.toThrow(RangeError);
      expect(await store.readRollups({ period: 'hour', range })).toEqual([]);

      await store.writeRollups([aRollup({ volumeMl: 2 ** 52 }), aRollup({ startMs: T0 + HOUR_MS, volumeMl: 2 ** 52 })]);
      await expect(store.sumRollups({ period: 'hour', range })).rejects.toThrow(/beyond 2\^53/);
    } finally {
      await store.close();
    }
  });
});
