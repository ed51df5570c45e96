// Mosquitto 2's password_file (`username:$7$…` lines) and acl_file (a `user` block of `topic` lines
// per identity; anything not granted is denied) written from, and read back into, the access model.
import type { Identity } from '../../domain/mqtt-access/identities.ts';
import { hashPassword } from './password-hash.ts';

export function passwordFileText(entries: readonly { username: string; password: string }[]): string {
  return entries.map(({ username, password }) => `${username}:${hashPassword(password)}\n`).join('');
}

/** username → hash; blank and `#` lines are skipped, as Mosquitto does. */
export function parsePasswordFile(text: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) hashes.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return hashes;
}

export function aclFileText(identities: readonly Identity[], header: string): string {
  const blocks = identities.map((identity) => [`user ${identity.username}`, ...identity.rules.map((rule) => `topic ${rule.access} ${rule.topic}`)].join('\n'));
  return `${header}\n${blocks.join('\n\n')}\n`;
}
