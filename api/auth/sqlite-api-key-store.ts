// API keys at rest: a small SQLite file (DATA_DIR/auth.sqlite, WAL) shared by the API and the
// `npm run api-keys` command, so a revocation applies to the running API on its next request.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { generateApiKey, hashApiKey } from './api-keys.ts';
import { ROLES, type Role } from './permissions.ts';

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAtMs: number;
  readonly revokedAtMs: number | null;
  readonly lastUsedAtMs: number | null;
}

/** As listed: a role this version does not know is shown as stored (it grants nothing). */
export type ApiKeyListing = Omit<ApiKeyRecord, 'role'> & { readonly role: string };

/** The name ends up in audit trails and logs: printable, one line, bounded. */
export const newKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100).regex(/^[^\p{Cc}]+$/u, 'no control characters'),
  role: z.enum(ROLES),
});
export type NewKey = z.input<typeof newKeySchema>;

export interface ApiKeyStore {
  /** Returns the key itself once; only its hash is kept. */
  create(request: NewKey, nowMs: number): { key: string; record: ApiKeyRecord };
  /** The active key's record, or null for an unknown or revoked key. */
  verify(key: string, nowMs: number): ApiKeyRecord | null;
  list(): ApiKeyListing[];
  /** True when the key was active and is now revoked. */
  revoke(id: string, nowMs: number): boolean;
  /** Whether a key was ever created (revoked ones count): decides the first-start admin key. */
  isEmpty(): boolean;
  close(): void;
}

// Once a minute per key is enough to tell a key in use from a forgotten one, at a write a minute.
const TOUCH_EVERY_MS = 60_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_keys (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    key_sha256      TEXT NOT NULL UNIQUE,
    created_at_ms   INTEGER NOT NULL,
    revoked_at_ms   INTEGER,
    last_used_at_ms INTEGER
  );
`;

interface Row {
  id: string;
  name: string;
  role: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
  last_used_at_ms: number | null;
}

const COLUMNS = 'id, name, role, created_at_ms, revoked_at_ms, last_used_at_ms';

/** Opens (creating, owner-only, if missing) the key file; ':memory:' for tests. */
export function openSqliteApiKeyStore(file: string): ApiKeyStore {
  if (file !== ':memory:' && !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    // Hashes are not secrets, but the key list names who may do what: owner-only, like a key file.
    writeFileSync(file, '', { mode: 0o600 });
  }
  const db = new Database(file, { timeout: 5_000 });
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO api_keys (id, name, role, key_sha256, created_at_ms) VALUES (?, ?, ?, ?, ?)');
  const byHash = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM api_keys WHERE key_sha256 = ? AND revoked_at_ms IS NULL`);
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at_ms, id`);
  const revoke = db.prepare('UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL');
  const touch = db.prepare('UPDATE api_keys SET last_used_at_ms = ? WHERE id = ?');
  const any = db.prepare('SELECT 1 FROM api_keys LIMIT 1');

  return {
    create(request, nowMs) {
      const { name, role } = newKeySchema.parse(request);
      const { key, id, hash } = generateApiKey();
      insert.run(id, name, role, hash, nowMs);
      return { key, record: { id, name, role, createdAtMs: nowMs, revokedAtMs: null, lastUsedAtMs: null } };
    },
    verify(key, nowMs) {
      const row = byHash.get(hashApiKey(key));
      const record = row && toRecord(row);
      if (!record) return null;
      if (record.lastUsedAtMs === null || nowMs - record.lastUsedAtMs >= TOUCH_EVERY_MS) touch.run(nowMs, record.id);
      return record;
    },
    list: () => all.all().map(listing),
    revoke: (id, nowMs) => revoke.run(nowMs, id).changes > 0,
    isEmpty: () => any.get() === undefined,
    close: () => db.close(),
  };
}

function listing(row: Row): ApiKeyListing {
  return { id: row.id, name: row.name, role: row.role, createdAtMs: row.created_at_ms, revokedAtMs: row.revoked_at_ms, lastUsedAtMs: row.last_used_at_ms };
}

// A row whose role this version does not know (edited by hand, or a newer version's) grants nothing.
function toRecord(row: Row): ApiKeyRecord | null {
  const role = ROLES.find((r) => r === row.role);
  return role === undefined ? null : { ...listing(row), role };
}
