// Logging in to the embedded broker: a username needs an identity and a Mosquitto $7$ hash that
// matches the password; reserved client ids belong to one username.
import { describe, expect, it } from 'vitest';
import { createBrokerAccess } from '../../../core/adapters/mqtt/broker-access.ts';
import { parsePasswordFile, passwordFileText } from '../../../core/adapters/mqtt/mosquitto-files.ts';
import type { Identity } from '../../../core/domain/mqtt-access/identities.ts';

const identities: Identity[] = [
  { username: 'ingest', rules: [{ access: 'read', topic: 'k14/meter/+' }] },
  { username: 'meter/m7', rules: [{ access: 'write', topic: 'k14/meter/m7' }] },
  { username: 'no-password', rules: [] },
];
const passwd = passwordFileText([
  { username: 'ingest', password: 'ingest-secret' },
  { username: 'meter/m7', password: 'm7-secret' },
  { username: 'orphan', password: 'orphan-secret' },
]);
const access = createBrokerAccess({ identities, passwordHashes: parsePasswordFile(passwd), reservedClientIds: new Map([['k14-ingest', 'ingest']]) });

describe('broker access', () => {
  it('logs in an identity with its own password, as a string or the CONNECT packet’s bytes', () => {
    expect(access.authenticate('meter/m7', 'm7-secret')?.rules).toEqual([{ access: 'write', topic: 'k14/meter/m7' }]);
    expect(access.authenticate('ingest', Buffer.from('ingest-secret'))?.username).toBe('ingest');
  });

  it('refuses a wrong password, another identity’s password, an unknown user, and users lacking either a hash or an identity', () => {
    expect(access.authenticate('meter/m7', 'M7-secret')).toBeUndefined();
    expect(access.authenticate('meter/m7', 'ingest-secret')).toBeUndefined();
    expect(access.authenticate('meter/m8', 'm7-secret')).toBeUndefined();
    expect(access.authenticate('no-password', '')).toBeUndefined();
    expect(access.authenticate('orphan', 'orphan-secret')).toBeUndefined();
  });

  it('names the owner of a reserved client id', () => {
    expect(access.clientIdOwner('k14-ingest')).toBe('ingest');
    expect(access.clientIdOwner('anything-else')).toBeUndefined();
  });

  it('reads a password file as Mosquitto does: one user per line, comments and blanks skipped', () => {
    const hashes = parsePasswordFile(`# comment\n\n${passwd}`);
    expect([...hashes.keys()]).toEqual(['ingest', 'meter/m7', 'orphan']);
    expect(hashes.get('meter/m7')).toMatch(/^\$7\$101\$/);
  });
});
