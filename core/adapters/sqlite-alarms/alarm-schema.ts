// SQLite schema of the alarm store, in a database file of its own (the API is its one writer). The
// version lives in PRAGMA user_version; each migration moves it up by one.
import type Database from 'better-sqlite3';

/** Migration n (0-based) takes the file from user_version n to n + 1. Append, never edit. */
const MIGRATIONS: readonly string[] = [
  `
  -- The columns serve filters and ad-hoc SQL; json is the record the store returns.
  CREATE TABLE alarms (
    id                 TEXT    NOT NULL PRIMARY KEY,
    alarm_key          TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    room_id            TEXT    NOT NULL,
    counter_id         TEXT    NOT NULL,
    channel            TEXT,
    severity           TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    condition_active   INTEGER NOT NULL,
    raised_at_ms       INTEGER NOT NULL,
    cleared_at_ms      INTEGER,
    acknowledged_at_ms INTEGER,
    acknowledged_by    TEXT,
    shelved_until_ms   INTEGER,
    peak_per_m3        REAL,
    level_per_m3       REAL,
    json               TEXT    NOT NULL
  );
  CREATE INDEX alarms_by_raised ON alarms (raised_at_ms);
  CREATE INDEX alarms_by_room_raised ON alarms (room_id, raised_at_ms);
  -- The open alarms are a handful among years of closed ones.
  CREATE INDEX alarms_open_by_raised ON alarms (raised_at_ms) WHERE state <> 'normal';

  -- The key is the transition's deterministic identity (alarm-records.ts), so a re-save is a no-op;
  -- seq keeps the order transitions were saved in, which within one millisecond is the engine's order.
  CREATE TABLE alarm_transitions (
    transition_key       TEXT    NOT NULL PRIMARY KEY,
    seq                  INTEGER NOT NULL UNIQUE,
    alarm_id             TEXT    NOT NULL,
    alarm_key            TEXT    NOT NULL,
    kind                 TEXT    NOT NULL,
    room_id              TEXT    NOT NULL,
    counter_id           TEXT    NOT NULL,
    channel              TEXT,
    at_ms                INTEGER NOT NULL,
    cause                TEXT    NOT NULL,
    from_state           TEXT    NOT NULL,
    to_state             TEXT    NOT NULL,
    severity             TEXT    NOT NULL,
    actor                TEXT    NOT NULL,
    comment              TEXT,
    suppressed           INTEGER NOT NULL,
    condition_at_ms      INTEGER,
    concentration_per_m3 REAL,
    level_per_m3         REAL,
    json                 TEXT    NOT NULL
  );
  CREATE INDEX alarm_transitions_by_alarm ON alarm_transitions (alarm_id, at_ms, seq);
  CREATE INDEX alarm_transitions_by_room ON alarm_transitions (room_id, at_ms, seq);
  CREATE INDEX alarm_transitions_by_time ON alarm_transitions (at_ms, seq);

  CREATE TABLE engine_snapshot (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    json TEXT    NOT NULL
  );
  `,
];

export const ALARM_SCHEMA_VERSION = MIGRATIONS.length;

/** WAL lets readers go on while the API writes; NORMAL is durable across process crashes in WAL mode. */
export function configureAlarmConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
}

export function migrateAlarmSchema(db: Database.Database): void {
  // IMMEDIATE takes the write lock before reading the version, so two processes starting together
  // cannot both run one migration.
  db.transaction(() => {
    const found = userVersion(db);
    if (found > ALARM_SCHEMA_VERSION) {
      throw new Error(`alarm database schema version ${found} is newer than this build supports (${ALARM_SCHEMA_VERSION}); upgrade the software`);
    }
    for (let version = found; version < ALARM_SCHEMA_VERSION; version += 1) db.exec(MIGRATIONS[version] ?? '');
    if (found !== ALARM_SCHEMA_VERSION) db.pragma(`user_version = ${ALARM_SCHEMA_VERSION}`);
  }).immediate();
}

function userVersion(db: Database.Database): number {
  const version: unknown = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`unexpected PRAGMA user_version result: ${String(version)}`);
  return version;
}
