// The embedded TelemetryStore: one SQLite file in WAL mode, shared by the ingest process (the one
// writer) and the API process (readers). better-sqlite3 is synchronous; the port is async.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError, type TelemetryStore } from '../../ports/telemetry-store.ts';
import { type DeadLetterStatements, prepareDeadLetterStatements } from './dead-letter-statements.ts';
import { type AggregateMeterFlow, prepareFlowBuckets } from './flow-buckets.ts';
import { type LatestReadings, prepareLatestReadings } from './latest-readings.ts';
import { prepareReadingQueries, type ReadingQueries } from './reading-queries.ts';
import { prepareReadingWriter, type WriteReadings } from './reading-writer.ts';
import { prepareReplacementStatements, type ReplacementStatements } from './replacement-statements.ts';
import { prepareRollupStatements, type RollupStatements } from './rollup-statements.ts';
import { configureConnection, migrateSchema } from './sqlite-schema.ts';
import { runGuarded } from './sqlite-errors.ts';

export interface SqliteStoreOptions {
  /** Database file, its directory created if missing; ':memory:' for a private in-memory store. */
  readonly file: string;
  /** How long a statement waits for another process's lock before failing; default 5 s. */
  readonly busyTimeoutMs?: number;
}

interface OpenStore {
  readonly db: Database.Database;
  readonly writeReadings: WriteReadings;
  readonly queries: ReadingQueries;
  readonly aggregateMeterFlow: AggregateMeterFlow;
  readonly latestReadings: LatestReadings;
  readonly deadLetters: DeadLetterStatements;
  readonly rollups: RollupStatements;
  readonly replacements: ReplacementStatements;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export function openSqliteStore(options: SqliteStoreOptions): TelemetryStore {
  let open: OpenStore | undefined;
  const opened = (): OpenStore => {
    if (open === undefined) throw new Error('SQLite store used before start() or after close()');
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
    writeReadings: (readings) =>
      runGuarded('write of readings', () => {
        opened().writeReadings(readings);
        return { rejected: [] };
      }),
    writeDeadLetters: (letters) => runGuarded('write of dead letters', () => opened().deadLetters.write(letters)),
    readMeterReadings: (meterId, range) => runGuarded('read of meter readings', () => opened().queries.readMeterReadings(meterId, range)),
    readParticleSamples: (filter, range) => runGuarded('read of particle samples', () => opened().queries.readParticleSamples(filter, range)),
    aggregateMeterFlow: (meterId, range, everyMs) => runGuarded('flow aggregation', () => opened().aggregateMeterFlow(meterId, range, everyMs)),
    countReadings: (kind, range) => runGuarded('count of readings', () => opened().queries.countReadings(kind, range)),
    latestReadings: () => runGuarded('read of latest readings', () => opened().latestReadings()),
    listDeadLetters: (query) => runGuarded('listing of dead letters', () => opened().deadLetters.list(query)),
    boundingMeterReadings: (meterId, range) => runGuarded('read of bounding readings', () => opened().queries.boundingMeterReadings(meterId, range)),
    writeRollups: (rollups) => runGuarded('write of rollups', () => opened().rollups.write(rollups)),
    readRollups: (query) => runGuarded('read of rollups', () => opened().rollups.read(query)),
    sumRollups: (query) => runGuarded('sum of rollups', () => opened().rollups.sum(query)),
    latestRollupStart: (period) => runGuarded('read of the latest rollup', () => opened().rollups.latestStart(period)),
    writeMeterReplacement: (replacement) => runGuarded('write of a meter replacement', () => opened().replacements.write(replacement)),
    listMeterReplacements: (meterId) => runGuarded('listing of meter replacements', () => opened().replacements.list(meterId)),
  };
}

function openDatabase({ file, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS }: SqliteStoreOptions): OpenStore {
  let db: Database.Database | undefined;
  try {
    if (isOnDisk(file)) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: busyTimeoutMs });
    configureConnection(db);
    migrateSchema(db);
    return {
      db,
      writeReadings: prepareReadingWriter(db),
      queries: prepareReadingQueries(db),
      aggregateMeterFlow: prepareFlowBuckets(db),
      latestReadings: prepareLatestReadings(db),
      deadLetters: prepareDeadLetterStatements(db),
      rollups: prepareRollupStatements(db),
      replacements: prepareReplacementStatements(db),
    };
  } catch (error) {
    db?.close();
    throw new StoreUnavailableError(`cannot open SQLite store at ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** ':memory:' and '' (a private temporary database) have no directory to create. */
function isOnDisk(file: string): boolean {
  return file !== ':memory:' && file !== '' && !file.startsWith('file:');
}
