// The embedded AlarmStore: its own SQLite file (say DATA_DIR/alarms.sqlite) in WAL mode, apart from the
// telemetry file so alarm saves never queue behind ingest. better-sqlite3 is synchronous; the port is async.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AlarmStore } from '../../ports/alarm-store.ts';
import { StoreUnavailableError } from '../../ports/telemetry-store.ts';
import { runGuarded } from '../sqlite/sqlite-errors.ts';
import { prepareAlarmQueries, type AlarmQueries } from './alarm-queries.ts';
import { configureAlarmConnection, migrateAlarmSchema } from './alarm-schema.ts';
import { prepareAlarmWriter, type AlarmWriter } from './alarm-writer.ts';

export interface SqliteAlarmStoreOptions {
  /** Database file, its directory created if missing; ':memory:' for a private in-memory store. */
  readonly file: string;
  /** How long a statement waits for another connection's lock before failing; default 5 s. */
  readonly busyTimeoutMs?: number;
}

interface OpenAlarmStore {
  readonly db: Database.Database;
  readonly writer: AlarmWriter;
  readonly queries: AlarmQueries;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export function openSqliteAlarmStore(options: SqliteAlarmStoreOptions): AlarmStore {
  let open: OpenAlarmStore | undefined;
  const opened = (): OpenAlarmStore => {
    if (open === undefined) throw new Error('SQLite alarm store used before start() or after close()');
    return open;
  };

  return {
    start: async () => {
      open ??= openDatabase(options);
    },
    close: async () => {
      open?.db.close();
      open = undefined;
    },
    saveChanges: (change) => runGuarded('save of alarm changes', () => opened().writer.save(change)),
    loadSnapshot: () => runGuarded('load of the alarm engine snapshot', () => opened().writer.loadSnapshot()),
    getAlarm: (alarmId) => runGuarded('read of an alarm', () => opened().queries.getAlarm(alarmId)),
    listAlarms: (query) => runGuarded('listing of alarms', () => opened().queries.listAlarms(query)),
    listTransitions: (query) => runGuarded('listing of alarm transitions', () => opened().queries.listTransitions(query)),
  };
}

function openDatabase({ file, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS }: SqliteAlarmStoreOptions): OpenAlarmStore {
  let db: Database.Database | undefined;
  try {
    if (isOnDisk(file)) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: busyTimeoutMs });
    configureAlarmConnection(db);
    migrateAlarmSchema(db);
    return { db, writer: prepareAlarmWriter(db), queries: prepareAlarmQueries(db) };
  } catch (error) {
    db?.close();
    throw new StoreUnavailableError(`cannot open SQLite alarm store at ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** ':memory:' and '' (a private temporary database) have no directory to create. */
function isOnDisk(file: string): boolean {
  return file !== ':memory:' && file !== '' && !file.startsWith('file:');
}
