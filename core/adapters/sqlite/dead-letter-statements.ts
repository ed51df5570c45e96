// Dead letters in SQLite: upsert by id, and newest-first listing with optional filters and id paging.
import type Database from 'better-sqlite3';
import type { DeadLetter, DeadLetterReason, DeadLetterStatus } from '../../domain/dead-letter.ts';
import type { DeadLetterQuery } from '../../ports/telemetry-store.ts';

interface DeadLetterRow {
  readonly id: string;
  readonly received_at_ms: number;
  readonly topic: string;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly payload: string;
  readonly payload_encoding: DeadLetter['payloadEncoding'];
  readonly payload_bytes: number;
  readonly truncated: 0 | 1;
  readonly status: DeadLetterStatus;
}

interface ListParams {
  readonly status?: DeadLetterStatus;
  readonly reason?: DeadLetterReason;
  readonly beforeId?: string;
  readonly limit: number;
}

export interface DeadLetterStatements {
  write(letters: readonly DeadLetter[]): void;
  list(query: DeadLetterQuery): DeadLetter[];
}

const DEFAULT_LIMIT = 100;

export function prepareDeadLetterStatements(db: Database.Database): DeadLetterStatements {
  const upsert = db.prepare<DeadLetterRow>(`
    INSERT INTO dead_letters (id, received_at_ms, topic, reason, detail, payload, payload_encoding, payload_bytes, truncated, status)
    VALUES (@id, @received_at_ms, @topic, @reason, @detail, @payload, @payload_encoding, @payload_bytes, @truncated, @status)
    ON CONFLICT (id) DO UPDATE SET
      received_at_ms = excluded.received_at_ms, topic = excluded.topic, reason = excluded.reason,
      detail = excluded.detail, payload = excluded.payload, payload_encoding = excluded.payload_encoding,
      payload_bytes = excluded.payload_bytes, truncated = excluded.truncated, status = excluded.status`);
  const writeBatch = db.transaction((letters: readonly DeadLetter[]) => {
    for (const letter of letters) upsert.run(toRow(letter));
  });

  // Eight filter combinations at most; each is prepared on first use and kept.
  const listings = new Map<string, Database.Statement<ListParams, DeadLetterRow>>();
  const listing = (params: ListParams): Database.Statement<ListParams, DeadLetterRow> => {
    const where = [
      params.status === undefined ? undefined : 'status = @status',
      params.reason === undefined ? undefined : 'reason = @reason',
      params.beforeId === undefined ? undefined : 'id < @beforeId',
    ].filter((clause) => clause !== undefined);
    const sql = `SELECT * FROM dead_letters ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    let statement = listings.get(sql);
    if (statement === undefined) {
      statement = db.prepare<ListParams, DeadLetterRow>(sql);
      listings.set(sql, statement);
    }
    return statement;
  };

  return {
    write: (letters) => {
      if (letters.length > 0) writeBatch.immediate(letters);
    },
    list: (query) => {
      const status = query.status ?? 'pending';
      const params: ListParams = {
        ...(status === 'all' ? {} : { status }),
        ...(query.reason === undefined ? {} : { reason: query.reason }),
        ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
        limit: Math.max(0, Math.trunc(query.limit ?? DEFAULT_LIMIT)),
      };
      return listing(params).all(params).map(fromRow);
    },
  };
}

function toRow(letter: DeadLetter): DeadLetterRow {
  return {
    id: letter.id,
    received_at_ms: letter.receivedAtMs,
    topic: letter.topic,
    reason: letter.reason,
    detail: letter.detail,
    payload: letter.payload,
    payload_encoding: letter.payloadEncoding,
    payload_bytes: letter.payloadBytes,
    truncated: letter.truncated ? 1 : 0,
    status: letter.status,
  };
}

function fromRow(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    receivedAtMs: row.received_at_ms,
    topic: row.topic,
    reason: row.reason,
    detail: row.detail,
    payload: row.payload,
    payloadEncoding: row.payload_encoding,
    payloadBytes: row.payload_bytes,
    truncated: row.truncated === 1,
    status: row.status,
  };
}
