// The broker's identities and ACL from the site configuration, Mosquitto's $7$ hash format (checked
// against a hash mosquitto_passwd 2.0.11 made), and how reruns keep, add, rotate and drop passwords.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../../core/config/load-site.ts';
import { planAuth } from '../../../core/adapters/mqtt/credential-files.ts';
import { aclFileText } from '../../../core/adapters/mqtt/mosquitto-files.ts';
import { identitiesFor } from '../../../core/domain/mqtt-access/identities.ts';
import { hashPassword, verifyPassword } from '../../../core/adapters/mqtt/password-hash.ts';
import { REPO } from './repo-files.ts';

const site = loadSiteConfig(join(REPO, 'config/site.k14.json'));
const identities = identitiesFor(site);
const byName = (name: string) => identities.find((i) => i.username === name);

/** `mosquitto_passwd -b pw alice secret-1` (Mosquitto 2.0.11). */
const MOSQUITTO_PASSWD_ENTRY = '$7$101$W1r/E/IcTqbRepJj$yD0mOa2d5ZyVPmuMMVVEbzLl54bs7D3F4Wdb4w1Phccs6Hf67kERQ1u8CvoAVsJjM9FKHLlqSaXc7ppPip9QYw==';

describe('password hashes', () => {
  it('match what mosquitto_passwd writes for the same salt', () => {
    expect(verifyPassword(MOSQUITTO_PASSWD_ENTRY, 'secret-1')).toBe(true);
    expect(verifyPassword(MOSQUITTO_PASSWD_ENTRY, 'secret-2')).toBe(false);
    expect(hashPassword('secret-1', { salt: Buffer.from('W1r/E/IcTqbRepJj', 'base64') })).toBe(MOSQUITTO_PASSWD_ENTRY);
  });

  it('are salted afresh each time', () => {
    const a = hashPassword('same');
    expect(a).not.toBe(hashPassword('same'));
    expect(verifyPassword(a, 'same')).toBe(true);
    expect(verifyPassword('$6$not$mosquitto', 'same')).toBe(false);
  });
});

describe('identities', () => {
  it('give each device write access to its own topic and nothing else', () => {
    expect(byName('meter/inf-z1')?.rules).toEqual([{ access: 'write', topic: 'k14/meter/inf-z1' }]);
    expect(byName('counter/mask-line/pms-02')?.rules).toEqual([{ access: 'write', topic: 'cleanroom/mask-line/pms/pms-02' }]);
    const devices = identities.filter((i) => i.username.startsWith('meter/') || i.username.startsWith('counter/'));
    expect(devices).toHaveLength(site.meters.length + site.rooms.reduce((n, r) => n + r.counters.length, 0));
  });

  it('let ingest read the device topics and publish the live topic, the API only read it', () => {
    expect(byName('ingest')?.rules).toEqual([
      { access: 'read', topic: 'k14/meter/+' },
      { access: 'read', topic: 'cleanroom/+/pms/+' },
      { access: 'write', topic: 'live/v1/readings' },
      { access: 'write', topic: 'system/v1/ops-alarms/+/+' },
    ]);
    expect(byName('api')?.rules).toEqual([
      { access: 'read', topic: 'live/v1/readings' },
      { access: 'read', topic: 'system/v1/ops-alarms/+/+' },
    ]);
    expect(byName('simulator')?.rules.map((r) => `${r.access} ${r.topic}`)).toEqual(['write k14/meter/+', 'write cleanroom/+/pms/+']);
  });

  it('are written as Mosquitto acl_file user blocks', () => {
    const text = aclFileText(identities, '# header');
    expect(text.startsWith('# header\nuser ingest\ntopic read k14/meter/+\n')).toBe(true);
    expect(text).toContain('\n\nuser meter/rej-1\ntopic write k14/meter/rej-1\n');
    expect(text).not.toMatch(/^topic .*#/m);
  });
});

describe('planning the files', () => {
  const first = planAuth(identities, {}, new Set(), '# h');

  it('makes a password for every identity and writes none into the ACL', () => {
    expect(first.added).toHaveLength(identities.length);
    for (const password of Object.values(first.passwords)) expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const acl = first.files.find((f) => f.path === 'broker/acl')?.text ?? '';
    for (const password of Object.values(first.passwords)) expect(acl).not.toContain(password);
  });

  it('hashes every password into the broker’s file and hands each service only its own login', () => {
    const passwd = first.files.find((f) => f.path === 'broker/passwd')?.text ?? '';
    for (const { username } of identities) {
      const hash = passwd.split('\n').find((line) => line.startsWith(`${username}:`))?.slice(username.length + 1) ?? '';
      expect(verifyPassword(hash, first.passwords[username] ?? ''), username).toBe(true);
    }
    expect(first.files.find((f) => f.path === 'clients/api/mqtt.env')?.text).toBe(`MQTT_USERNAME=api\nMQTT_PASSWORD=${first.passwords.api}\n`);
    expect(first.files.filter((f) => f.owner === 'client').map((f) => f.path).sort()).toEqual([
      'clients/api/mqtt.env',
      'clients/ingest/dead-letter-replay.env',
      'clients/ingest/mqtt.env',
      'clients/simulator/mqtt.env',
    ]);
  });

  it('keeps passwords on a rerun, rotates on request and drops identities no longer configured', () => {
    const previous = { ...first.passwords, 'meter/retired': 'old' };
    const again = planAuth(identities, previous, new Set(['meter/inf-z1']), '# h');
    expect(again.added).toEqual([]);
    expect(again.rotated).toEqual(['meter/inf-z1']);
    expect(again.removed).toEqual(['meter/retired']);
    expect(again.passwords.ingest).toBe(first.passwords.ingest);
    expect(again.passwords['meter/inf-z1']).not.toBe(first.passwords['meter/inf-z1']);
  });

  it('refuses to rotate an identity that does not exist', () => {
    expect(() => planAuth(identities, {}, new Set(['meter/nope']), '# h')).toThrow(/meter\/nope/);
  });
});
