// The files behind broker authentication: which passwords to keep, make or rotate (plan) and writing
// them with owners and modes the broker and the service containers can read (write). Used by
// scripts/generate-mosquitto-auth.ts for Mosquitto and by the embedded default for its Aedes broker.
import { chmodSync, chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HEALTHCHECK_USERNAME, type Identity } from '../../domain/mqtt-access/identities.ts';
import { aclFileText, passwordFileText } from './mosquitto-files.ts';
import { newPassword } from './password-hash.ts';

export const CREDENTIALS_FILE = 'credentials.json';
export const BROKER_DIR = 'broker';
export const CLIENTS_DIR = 'clients';
export const PASSWORD_FILE = `${BROKER_DIR}/passwd`;
export const ACL_FILE = `${BROKER_DIR}/acl`;

export type FileOwner = 'self' | 'broker' | 'client';

export interface PlannedFile {
  /** Relative to the output directory. */
  readonly path: string;
  readonly text: string;
  readonly owner: FileOwner;
}

export interface AuthPlan {
  /** Username → password, every identity of the site. */
  readonly passwords: Readonly<Record<string, string>>;
  readonly added: readonly string[];
  readonly rotated: readonly string[];
  /** Identities whose device or service is no longer configured: their passwords are dropped. */
  readonly removed: readonly string[];
  readonly files: readonly PlannedFile[];
}

/** Keeps every existing password, so a rerun after a site change only adds and removes identities. */
export function planAuth(identities: readonly Identity[], previous: Readonly<Record<string, string>>, rotate: ReadonlySet<string>, header: string): AuthPlan {
  const unknown = [...rotate].filter((name) => !identities.some((identity) => identity.username === name));
  if (unknown.length > 0) throw new Error(`cannot rotate ${unknown.join(', ')}: no such identity (known: ${identities.map((i) => i.username).join(', ')})`);
  const passwords: Record<string, string> = {};
  const added: string[] = [];
  const rotated: string[] = [];
  for (const { username } of identities) {
    const kept = previous[username];
    if (kept !== undefined && !rotate.has(username)) passwords[username] = kept;
    else {
      passwords[username] = newPassword();
      (kept === undefined ? added : rotated).push(username);
    }
  }
  const removed = Object.keys(previous).filter((name) => passwords[name] === undefined);
  const entries = identities.map(({ username }) => ({ username, password: passwords[username] ?? '' }));
  const files: PlannedFile[] = [
    { path: CREDENTIALS_FILE, text: `${JSON.stringify({ version: 1, passwords }, null, 2)}\n`, owner: 'self' },
    { path: PASSWORD_FILE, text: passwordFileText(entries), owner: 'broker' },
    { path: ACL_FILE, text: aclFileText(identities, header), owner: 'broker' },
    { path: `${BROKER_DIR}/${HEALTHCHECK_USERNAME}.password`, text: passwords[HEALTHCHECK_USERNAME] ?? '', owner: 'broker' },
    ...identities.flatMap((identity) =>
      identity.envFile === undefined
        ? []
        : [{ path: `${CLIENTS_DIR}/${identity.envFile.service}/${identity.envFile.file}`, text: `MQTT_USERNAME=${identity.username}\nMQTT_PASSWORD=${passwords[identity.username] ?? ''}\n`, owner: 'client' as const }],
    ),
  ];
  return { passwords, added, rotated, removed, files };
}

export function readPreviousPasswords(outDir: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path.join(outDir, CREDENTIALS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  const passwords = typeof parsed === 'object' && parsed !== null && 'passwords' in parsed ? parsed.passwords : undefined;
  if (typeof passwords !== 'object' || passwords === null || !Object.values(passwords).every((v) => typeof v === 'string')) {
    throw new Error(`${path.join(outDir, CREDENTIALS_FILE)} is not a credentials file written by this script`);
  }
  return passwords as Record<string, string>;
}

export interface Ownership {
  readonly uid: number;
  readonly gid: number;
}

/** Every file 0600 (secrets), written next to its target and renamed, so a reader never sees half a file. */
export function writeAuthFiles(outDir: string, files: readonly PlannedFile[], owners: Partial<Record<FileOwner, Ownership>>): void {
  for (const file of files) {
    const target = path.join(outDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, file.text, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    const owner = owners[file.owner];
    if (owner !== undefined) chownSync(temporary, owner.uid, owner.gid);
    renameSync(temporary, target);
  }
}
