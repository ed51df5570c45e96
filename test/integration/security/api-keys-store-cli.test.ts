// API keys at rest and the `npm run api-keys` command: a key is shown once and only its SHA-256 is
// stored; revoked and unknown keys verify to nothing; the command creates, lists and revokes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../api/auth/api-keys.ts';
import { ensureInitialAdminKey } from '../../../api/auth/initial-admin-key.ts';
import { openSqliteApiKeyStore, type ApiKeyStore } from '../../../api/auth/sqlite-api-key-store.ts';
import { runApiKeysCommand, UsageError } from '../../../scripts/api-keys/api-keys-command.ts';

describe('API key store (SQLite file)', () => {
  let dir: string;
  let file: string;
  let keys: ApiKeyStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-keys-'));
    file = path.join(dir, 'auth.sqlite');
    keys = openSqliteApiKeyStore(file);
  });
  afterEach(() => {
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the hash, never the key, and verifies only active keys', () => {
    const { key, record } = keys.create({ role: 'operator', name: 'control room' }, 1_000);
    keys.close();
    const bytes = [file, `${file}-wal`].map((f) => readFileSync(f, { flag: 'a+' }).toString('latin1')).join('');
    expect(bytes).not.toContain(key);
    expect(bytes).toContain(hashApiKey(key));
    keys = openSqliteApiKeyStore(file);
    expect(keys.verify(key, 2_000)).toMatchObject({ id: record.id, role: 'operator', name: 'control room' });
    expect(keys.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, 2_000)).toBeNull();
    expect(keys.revoke(record.id, 3_000)).toBe(true);
    expect(keys.revoke(record.id, 3_000)).toBe(false);
    expect(keys.verify(key, 4_000)).toBeNull();
    expect(keys.list()).toEqual([expect.objectContaining({ id: record.id, revokedAtMs: 3_000, lastUsedAtMs: 2_000 })]);
  });

  it('refuses names that could forge log lines or audit entries, and unknown roles', () => {
    expect(() => keys.create({ role: 'operator', name: 'a\nforged line' }, 0)).toThrow();
    expect(() => keys.create({ role: 'operator', name: '  ' }, 0)).toThrow();
    expect(() => keys.create({ role: 'root' as 'admin', name: 'x' }, 0)).toThrow();
  });

  it('grants nothing to a row whose role this version does not know', () => {
    const { key, record } = keys.create({ role: 'viewer', name: 'edited by hand' }, 0);
    const db = new Database(file);
    db.prepare('UPDATE api_keys SET role = ? WHERE id = ?').run('superuser', record.id);
    db.close();
    expect(keys.verify(key, 1)).toBeNull();
    expect(keys.list()[0]).toMatchObject({ role: 'superuser' });
  });

  it('makes the first-start admin key once, never after keys existed', () => {
    const first = ensureInitialAdminKey(keys, 0);
    expect(keys.verify(first!.key, 1)).toMatchObject({ role: 'admin', name: 'initial admin' });
    keys.revoke(first!.id, 2);
    expect(ensureInitialAdminKey(keys, 3)).toBeUndefined();
  });
});

describe('npm run api-keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-keys-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lists and revokes', () => {
    const keys = openSqliteApiKeyStore(path.join(dir, 'auth.sqlite'));
    const out: string[] = [];
    const run = (...argv: string[]) => runApiKeysCommand(argv, { keys, nowMs: Date.parse('2026-11-24T12:00:00Z'), write: (t) => out.push(t) });
    run('create', '--role', 'pr', '--name', 'press office');
    const key = /^ {2}(k14_\S+)$/m.exec(out.join(''))?.[1];
    expect(keys.verify(key!, 0)).toMatchObject({ role: 'pr', name: 'press office' });
    const id = keys.list()[0]!.id;
    out.length = 0;
    run('list');
    expect(out.join('')).toContain(`${id}\tpr\tactive\t2026-11-24T12:00:00Z`);
    expect(out.join('')).not.toContain(key);
    run('revoke', id);
    expect(keys.verify(key!, 0)).toBeNull();
    expect(() => run('revoke', id)).toThrow(UsageError);
    expect(() => run('create', '--role', 'root', '--name', 'x')).toThrow(/--role/);
    expect(() => run('rotate')).toThrow(/say what to do/);
    keys.close();
  });

  it('runs as a script against DATA_DIR', () => {
    const env = { ...process.env, DATA_DIR: dir };
    const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const created = spawnSync(tsx, ['scripts/api-keys.ts', 'create', '--role', 'viewer', '--name', 'wall display'], { env, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
    const key = /^ {2}(k14_\S+)$/m.exec(created.stdout)?.[1];
    const keys = openSqliteApiKeyStore(path.join(dir, 'auth.sqlite'));
    expect(keys.verify(key!, 0)).toMatchObject({ role: 'viewer' });
    keys.close();
    const bad = spawnSync(tsx, ['scripts/api-keys.ts', 'revoke', 'nope'], { env, encoding: 'utf8' });
    expect([bad.status, bad.stderr.trim()]).toEqual([1, 'api-keys: no active key with id nope (see list)']);
  });
});
