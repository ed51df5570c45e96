// Maps better-sqlite3 failures onto the port: the ones a retry can cure become StoreUnavailableError.
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../ports/telemetry-store.ts';

/** Primary result codes (extended codes such as SQLITE_IOERR_WRITE share the prefix). */
const TRANSIENT_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL'];

function isTransient(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  const code = error.code;
  return TRANSIENT_CODES.some((transient) => code === transient || code.startsWith(`${transient}_`));
}

/** Runs synchronous SQLite work behind the async port, translating transient failures. */
export async function runGuarded<T>(what: string, work: () => T): Promise<T> {
  try {
    return work();
  } catch (error) {
    if (isTransient(error)) throw new StoreUnavailableError(`SQLite ${what} failed: ${String(error)}`, { cause: error });
    throw error;
  }
}
