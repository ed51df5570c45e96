// SQLite schema and connection settings for the embedded TelemetryStore. The schema version lives in
// PRAGMA user_version; each migration moves it up by one, so later versions can alter tables in place.
import type Database from 'better-sqlite3';

/**
 * Migration n (0-based) takes the database from user_version n to n + 1. Append, never edit: files
 * already at a version never run its migration again.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- The primary key is the reading's identity, so a rewrite is an upsert and rows need no rowid.
  CREATE TABLE meter_readings (
    meter_id     TEXT    NOT NULL,
    ts_ms        INTEGER NOT NULL,
    role         TEXT    NOT NULL,
    zone         TEXT    NOT NULL,
    flow_m3h     REAL    NOT NULL,
    totalizer_m3 REAL,
    quality      TEXT    NOT NULL,
    seq          INTEGER,
    PRIMARY KEY (meter_id, ts_ms)
  ) WITHOUT ROWID;
  -- countReadings and retention scan by time across all devices.
  CREATE INDEX meter_readings_by_ts ON meter_readings (ts_ms);

  CREATE TABLE particle_samples (
    room_id    TEXT    NOT NULL,
    counter_id TEXT    NOT NULL,
    ts_ms      INTEGER NOT NULL,
    volume_l   REAL    NOT NULL,
    count_0_3  INTEGER,
    count_0_5  INTEGER,
    count_1_0  INTEGER,
    count_5_0  INTEGER,
    seq        INTEGER,
    PRIMARY KEY (room_id, counter_id, ts_ms)
  ) WITHOUT ROWID;
  -- A room's samples across its counters, by time, without walking each counter's whole history.
  CREATE INDEX particle_samples_by_room_ts ON particle_samples (room_id, ts_ms);
  CREATE INDEX particle_samples_by_ts ON particle_samples (ts_ms);

  -- A rowid table on purpose: payloads reach 4 KiB and WITHOUT ROWID suits small rows only.
  -- Ids are fixed-width (19-digit ns) strings, so text order is time order.
  CREATE TABLE dead_letters (
    id               TEXT    NOT NULL PRIMARY KEY,
    received_at_ms   INTEGER NOT NULL,
    topic            TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    payload_encoding TEXT    NOT NULL,
    payload_bytes    INTEGER NOT NULL,
    truncated        INTEGER NOT NULL,
    status           TEXT    NOT NULL
  );
  CREATE INDEX dead_letters_by_status_id ON dead_letters (status, id);
  `,
  `
  -- Volumes and durations are exact integers (mL, ms); methods is the sorted list, comma-joined.
  -- The key leads with period and meter, so a per-meter range sum is one seek and a contiguous scan.
  CREATE TABLE meter_rollups (
    period             TEXT    NOT NULL,
    meter_id           TEXT    NOT NULL,
    start_ms           INTEGER NOT NULL,
    role               TEXT    NOT NULL,
    zone               TEXT    NOT NULL,
    volume_ml          INTEGER NOT NULL,
    covered_ms         INTEGER NOT NULL,
    methods            TEXT    NOT NULL,
    unexplained_resets INTEGER NOT NULL,
    PRIMARY KEY (period, meter_id, start_ms)
  ) WITHOUT ROWID;
  -- Ranges over all meters of a period, and its newest start, without walking every meter.
  CREATE INDEX meter_rollups_by_period_start ON meter_rollups (period, start_ms);

  CREATE TABLE meter_replacements (
    meter_id       TEXT    NOT NULL,
    at_ms          INTEGER NOT NULL,
    old_final_m3   REAL    NOT NULL,
    new_initial_m3 REAL    NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    recorded_by    TEXT    NOT NULL,
    comment        TEXT    NOT NULL,
    PRIMARY KEY (meter_id, at_ms)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(`database schema version ${found} is newer than this build supports (${SCHEMA_VERSION}); upgrade the software`);
    this.name = 'SchemaTooNewError';
  }
}

/** WAL lets the API read while ingest writes; NORMAL is durable across process crashes in WAL mode. */
export function configureConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
}

export function migrateSchema(db: Database.Database): void {
  // IMMEDIATE takes the write lock before reading the version, so two processes starting together
  // cannot both run the same migration.
  db.transaction(() => {
    const found = userVersion(db);
    if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found);
    for (let version = found; version < SCHEMA_VERSION; version += 1) db.exec(MIGRATIONS[version] ?? '');
    if (found !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function userVersion(db: Database.Database): number {
  const version: unknown = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`unexpected PRAGMA user_version result: ${String(version)}`);
  return version;
}
