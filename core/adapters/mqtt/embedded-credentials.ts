// The embedded default's MQTT logins: every start keeps the passwords in DIR/credentials.json, makes
// one for each new identity (all of them on the first start), drops those of identities no longer
// configured, and rewrites DIR/broker/passwd (Mosquitto $7$ hashes, what the broker verifies) and
// DIR/broker/acl. Same layout and rules as scripts/generate-mosquitto-auth.ts, which can rotate them.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Identity } from '../../domain/mqtt-access/identities.ts';
import { createBrokerAccess, type BrokerAccess } from './broker-access.ts';
import { ACL_FILE, CREDENTIALS_FILE, PASSWORD_FILE, planAuth, readPreviousPasswords, writeAuthFiles } from './credential-files.ts';
import { parsePasswordFile } from './mosquitto-files.ts';

export interface EmbeddedCredentialsOptions {
  /** DATA_DIR/mqtt: created owner-only. */
  readonly dir: string;
  readonly identities: readonly Identity[];
  /** client id → the only username that may use it (ingest's and the API's sessions). */
  readonly reservedClientIds?: ReadonlyMap<string, string>;
  /** Named in the ACL file's header. */
  readonly siteConfigFile: string;
}

export interface EmbeddedCredentials {
  readonly access: BrokerAccess;
  /** Plaintext, 0600: every identity's password, for the in-process services and for devices. */
  readonly credentialsFile: string;
  /** Identities given a password on this start (every one on the first start). */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** The password of an identity, for a client in this process. */
  passwordOf(username: string): string;
}

export function provisionEmbeddedCredentials(options: EmbeddedCredentialsOptions): EmbeddedCredentials {
  const { dir, identities } = options;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const header = `# Written by the embedded broker (npm start) from ${options.siteConfigFile}; it enforces these rules itself. Do not edit.`;
  const plan = planAuth(identities, readPreviousPasswords(dir), new Set(), header);
  const kept = new Set([CREDENTIALS_FILE, PASSWORD_FILE, ACL_FILE]);
  writeAuthFiles(dir, plan.files.filter((file) => kept.has(file.path)), {});
  const passwordHashes = parsePasswordFile(readFileSync(path.join(dir, PASSWORD_FILE), 'utf8'));
  return {
    access: createBrokerAccess({ identities, passwordHashes, reservedClientIds: options.reservedClientIds }),
    credentialsFile: path.join(dir, CREDENTIALS_FILE),
    added: plan.added,
    removed: plan.removed,
    passwordOf(username) {
      const password = plan.passwords[username];
      if (password === undefined) throw new Error(`no MQTT identity "${username}"`);
      return password;
    },
  };
}

/** Printed on stdout when identities got new passwords: where they are and what that file is. */
export function embeddedCredentialsNotice(credentials: EmbeddedCredentials): string {
  const rule = '='.repeat(78);
  const count = credentials.added.length;
  return [
    '',
    rule,
    `  MQTT: ${count} new broker login(s) were created (one per device, one per service):`,
    `    ${credentials.credentialsFile}`,
    '  holds every password IN PLAIN TEXT (owner-only, 0600). Give each device its own username',
    '  and password from it; keep the file like a private key (this process reads its own logins',
    '  from it). Rotate one: npm run mqtt-auth -- --out <that directory> --rotate <username>',
    rule,
    '',
  ].join('\n');
}

export function mqttAuthOffNotice(url: string): string {
  return [
    '',
    `  !! MQTT_AUTH=off: the broker at ${url} takes anonymous clients. Anyone who can reach it can`,
    '  !! publish readings (false alarms, wrong totals) and read every topic. For local demos only.',
    '',
  ].join('\n');
}
