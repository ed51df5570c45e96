// Recorded meter replacements in SQLite: upsert by (meter, atMs) and a listing ascending by atMs.
import type Database from 'better-sqlite3';
import type { RecordedMeterReplacement } from '../../ports/telemetry-store.ts';

interface ReplacementRow {
  readonly meter_id: string;
  readonly at_ms: number;
  readonly old_final_m3: number;
  readonly new_initial_m3: number;
  readonly recorded_at_ms: number;
  readonly recorded_by: string;
  readonly comment: string;
}

export interface ReplacementStatements {
  write(replacement: RecordedMeterReplacement): void;
  list(meterId?: string): RecordedMeterReplacement[];
}

export function prepareReplacementStatements(db: Database.Database): ReplacementStatements {
  const upsert = db.prepare<ReplacementRow>(`
    INSERT INTO meter_replacements (meter_id, at_ms, old_final_m3, new_initial_m3, recorded_at_ms, recorded_by, comment)
    VALUES (@meter_id, @at_ms, @old_final_m3, @new_initial_m3, @recorded_at_ms, @recorded_by, @comment)
    ON CONFLICT (meter_id, at_ms) DO UPDATE SET
      old_final_m3 = excluded.old_final_m3, new_initial_m3 = excluded.new_initial_m3,
      recorded_at_ms = excluded.recorded_at_ms, recorded_by = excluded.recorded_by, comment = excluded.comment`);
  const listAll = db.prepare<[], ReplacementRow>('SELECT * FROM meter_replacements ORDER BY at_ms, meter_id');
  const listOne = db.prepare<[string], ReplacementRow>('SELECT * FROM meter_replacements WHERE meter_id = ? ORDER BY at_ms');

  return {
    write: (replacement) => void upsert.run(toRow(replacement)),
    list: (meterId) => (meterId === undefined ? listAll.all() : listOne.all(meterId)).map(fromRow),
  };
}

function toRow(replacement: RecordedMeterReplacement): ReplacementRow {
  return {
    meter_id: replacement.meterId,
    at_ms: replacement.atMs,
    old_final_m3: replacement.oldFinalM3,
    new_initial_m3: replacement.newInitialM3,
    recorded_at_ms: replacement.recordedAtMs,
    recorded_by: replacement.recordedBy,
    comment: replacement.comment,
  };
}

function fromRow(row: ReplacementRow): RecordedMeterReplacement {
  return {
    meterId: row.meter_id,
    atMs: row.at_ms,
    oldFinalM3: row.old_final_m3,
    newInitialM3: row.new_initial_m3,
    recordedAtMs: row.recorded_at_ms,
    recordedBy: row.recorded_by,
    comment: row.comment,
  };
}
