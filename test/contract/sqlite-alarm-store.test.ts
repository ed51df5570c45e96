// Runs the AlarmStore contract against the SQLite adapter on a real file, and checks what only SQLite
// promises: the file's schema version and WAL mode, and a change saved all or nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CleanroomSnapshot } from '../../core/domain/cleanroom/engine-snapshot.ts';
import { ALARM_SCHEMA_VERSION } from '../../core/adapters/sqlite-alarms/alarm-schema.ts';
import { openSqliteAlarmStore } from '../../core/adapters/sqlite-alarms/open-sqlite-alarm-store.ts';
import { StoreUnavailableError } from '../../core/ports/telemetry-store.ts';
import { describeAlarmStoreContract } from './alarm-store-contract.ts';
import { anAlarmScenario } from './alarm-store-scenario.ts';

async function aTempDir(): Promise<{ dir: string; removeDir: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'k14-sqlite-alarms-'));
  return { dir, removeDir: () => rm(dir, { recursive: true, force: true }) };
}

describeAlarmStoreContract('SQLite', async () => {
  const { dir, removeDir } = await aTempDir();
  // A subdirectory that does not exist yet: the adapter has to create it.
  const file = join(dir, 'data', 'alarms.sqlite');
  return { store: openSqliteAlarmStore({ file }), reopen: () => openSqliteAlarmStore({ file }), cleanup: removeDir };
});

describe('SQLite alarm store file', () => {
  it('records its schema version in user_version and refuses a file from a newer build', async () => {
    const { dir, removeDir } = await aTempDir();
    try {
      const file = join(dir, 'alarms.sqlite');
      const store = openSqliteAlarmStore({ file });
      await store.start();
      await store.close();
      const db = new Database(file);
      expect(db.pragma('user_version', { simple: true })).toBe(ALARM_SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.pragma(`user_version = ${ALARM_SCHEMA_VERSION + 1}`);
      db.close();

      await expect(openSqliteAlarmStore({ file }).start()).rejects.toThrow(StoreUnavailableError);
    } finally {
      await removeDir();
    }
  });

  it('writes a change all or nothing: a failure after the alarms and transitions leaves none of them', async () => {
    const store = openSqliteAlarmStore({ file: ':memory:' });
    await store.start();
    try {
      const change = anAlarmScenario().changes.find((c) => c.transitions.length > 0);
      if (change === undefined) throw new Error('scenario has no transitions');
      // The snapshot is written last in the transaction; one JSON cannot carry makes that last step fail.
      const poisoned = { ...change, snapshot: { ...change.snapshot, poison: 1n } as unknown as CleanroomSnapshot };
      await expect(store.saveChanges(poisoned)).rejects.toThrow(/BigInt/);
      await expect(store.saveChanges({ ...change, alarms: [] })).rejects.toThrow(/without that alarm/);

      expect(await store.loadSnapshot()).toBeUndefined();
      expect(await store.listAlarms({ state: 'all' })).toStrictEqual([]);
      expect(await store.listTransitions({})).toStrictEqual([]);
    } finally {
      await store.close();
    }
  });
});
