// Device identities on a real Mosquitto 2 with the password file and ACL the project generates from
// the site configuration, ingest logged in as its own identity over mqtts:// with a throwaway CA: a
// device's publish to another device's topic is refused and nothing of it reaches the store, a wrong
// password cannot connect, and the TLS listener (the block documented in mosquitto.conf) is trusted
// only with the CA.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACL_FILE, PASSWORD_FILE, planAuth, writeAuthFiles } from '../../../core/adapters/mqtt/credential-files.ts';
import { identitiesFor } from '../../../core/domain/mqtt-access/identities.ts';
import { freePort } from '../../harness/free-port.ts';
import { startMosquitto, type RunningMosquitto } from '../../harness/mosquitto.ts';
import { k14Site } from '../../fixtures/site.ts';
import { makeThrowawayCa, type ThrowawayCa } from './throwaway-ca.ts';
import { ClientPool, counterMessage, meterMessage, startIngestAs, storedFor, waitForCount, waitForMeterFlow, type IngestOnBroker } from './mqtt-security-fixture.ts';

const site = k14Site();
let root: string;
let ca: ThrowawayCa;
let mosquitto: RunningMosquitto;
let tlsUrl: string;
let passwords: Readonly<Record<string, string>>;
let ingest: IngestOnBroker;
const pool = new ClientPool();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'k14-mqtt-mosquitto-access-'));
  ca = await makeThrowawayCa(root);
  const plan = planAuth(identitiesFor(site), {}, new Set(), '# test');
  writeAuthFiles(join(root, 'auth'), plan.files, {});
  passwords = plan.passwords;
  const tlsPort = await freePort();
  tlsUrl = `mqtts://127.0.0.1:${tlsPort}`;
  mosquitto = await startMosquitto({
    extraConfig: [
      // As provisioning/mosquitto/mosquitto.conf: every client logs in, the ACL denies what it does not grant.
      'allow_anonymous false',
      `password_file ${join(root, 'auth', PASSWORD_FILE)}`,
      `acl_file ${join(root, 'auth', ACL_FILE)}`,
      ...documentedTlsListener(tlsPort, ca),
    ].join('\n'),
  });
  ingest = await startIngestAs({ url: tlsUrl, protocolVersion: 5, username: 'ingest', password: passwords.ingest ?? '', caFile: ca.caCertFile, dir: root, site });
});

afterEach(() => pool.endAll());

afterAll(async () => {
  await pool.endAll();
  await ingest?.stop();
  await mosquitto?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

/** The commented TLS block of provisioning/mosquitto/mosquitto.conf, uncommented, on our port and files. */
function documentedTlsListener(port: number, files: ThrowawayCa): string[] {
  const production = readFileSync(join(import.meta.dirname, '../../../provisioning/mosquitto/mosquitto.conf'), 'utf8');
  const block = production.split('\n').filter((line) => /^#(listener 8883|protocol |cafile |certfile |keyfile )/.test(line));
  expect(block).toHaveLength(5);
  return block.map((line) =>
    line
      .slice(1)
      .replace('listener 8883', `listener ${port} 127.0.0.1`)
      .replace('/mosquitto/certs/ca.crt', files.caCertFile)
      .replace('/mosquitto/certs/server.crt', files.serverCertFile)
      .replace('/mosquitto/certs/server.key', files.serverKeyFile),
  );
}

const REFUSED = /Connection refused: (Bad User Name or Password|Bad username or password|Not authori[sz]ed)/i;

const login = (username: string) => ({ username, password: passwords[username] ?? '', clientId: `${username.replaceAll('/', '-')}-${Date.now()}` });

describe('a device publishing to another device’s topic (Mosquitto)', () => {
  it('is refused (MQTT 5: PUBACK 0x87; 3.1.1: acknowledged and dropped) and nothing of it reaches the store', async () => {
    const meter = await pool.connect(mosquitto.url, { protocolVersion: 5, ...login('meter/inf-z1') });
    const counter = await pool.connect(mosquitto.url, { protocolVersion: 4, ...login('counter/mask-line/pms-02') });
    // Ingest is subscribed once a first legitimate message is stored.
    await meter.publishAsync('k14/meter/inf-z1', meterMessage(101), { qos: 1 });
    await waitForMeterFlow(ingest.store, 'inf-z1', 101);

    await expect(meter.publishAsync('k14/meter/rec-z1', meterMessage(666), { qos: 1 })).rejects.toThrow(/not authori[sz]ed/i);
    await expect(meter.publishAsync('cleanroom/mask-line/pms/pms-01', counterMessage(666), { qos: 1 })).rejects.toThrow(/not authori[sz]ed/i);
    // MQTT 3.1.1 cannot say no to a PUBLISH: Mosquitto acknowledges it and drops it, the connection stays.
    await counter.publishAsync('cleanroom/mask-line/pms/pms-01', counterMessage(666), { qos: 1 });
    await counter.publishAsync('k14/meter/rec-z1', meterMessage(667), { qos: 1 });

    await meter.publishAsync('k14/meter/inf-z1', meterMessage(102), { qos: 1 });
    await counter.publishAsync('cleanroom/mask-line/pms/pms-02', counterMessage(102), { qos: 1 });
    await waitForMeterFlow(ingest.store, 'inf-z1', 102);
    await waitForCount(ingest.store, 'mask-line', 'pms-02', 102);
    expect(await storedFor(ingest.store, { meterId: 'rec-z1' })).toEqual({ readings: 0, deadLetters: 0 });
    expect(await storedFor(ingest.store, { roomId: 'mask-line', counterId: 'pms-01' })).toEqual({ readings: 0, deadLetters: 0 });
  });

  it('cannot read what other devices publish', async () => {
    const spy = await pool.connect(mosquitto.url, { protocolVersion: 5, ...login('meter/rec-z1') });
    const received: string[] = [];
    spy.on('message', (topic) => received.push(topic));
    await spy.subscribeAsync(['k14/meter/+', 'live/v1/readings'], { qos: 1 });
    const meter = await pool.connect(mosquitto.url, { protocolVersion: 5, ...login('meter/inf-z1') });
    await meter.publishAsync('k14/meter/inf-z1', meterMessage(103), { qos: 1 });
    await waitForMeterFlow(ingest.store, 'inf-z1', 103);
    expect(received).toEqual([]);
  });
});

describe('logging in to Mosquitto', () => {
  // Mosquitto 2.0.11 answers every refused login with "not authorised" (CONNACK 5, MQTT 5 reason 0x87).
  it('refuses a wrong password, another device’s password, an unknown user and anonymous clients', async () => {
    await expect(pool.connect(mosquitto.url, { protocolVersion: 5, ...login('meter/inf-z1'), password: 'not-the-password' })).rejects.toThrow(REFUSED);
    await expect(pool.connect(mosquitto.url, { protocolVersion: 4, ...login('meter/inf-z1'), password: passwords['meter/rec-z1'] })).rejects.toThrow(REFUSED);
    await expect(pool.connect(mosquitto.url, { protocolVersion: 5, username: 'meter/nope', password: 'x' })).rejects.toThrow(REFUSED);
    await expect(pool.connect(mosquitto.url, { protocolVersion: 5 })).rejects.toThrow(REFUSED);
    await expect(pool.connect(mosquitto.url, { protocolVersion: 5, ...login('meter/inf-z1') })).resolves.toBeDefined();
  });

  it('over TLS trusts the listener with the CA only', async () => {
    const caPem = readFileSync(ca.caCertFile);
    await expect(pool.connect(tlsUrl, { protocolVersion: 5, ...login('meter/inf-z1'), ca: caPem })).resolves.toBeDefined();
    await expect(pool.connect(tlsUrl, { protocolVersion: 5, ...login('meter/inf-z1') })).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  });
});
