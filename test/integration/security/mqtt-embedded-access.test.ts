// Device identities on the embedded Aedes broker, with the logins the embedded default provisions in
// DATA_DIR/mqtt: a device's publish to another device's topic is refused (MQTT 3.1.1: the broker
// closes the connection and drops the message) and nothing of it reaches the store; a wrong password,
// an unknown user or no login cannot connect; a device cannot subscribe nor take over ingest's
// session; the TLS listener is trusted only with the CA.
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../core/adapters/mqtt/embedded-broker.ts';
import { provisionEmbeddedCredentials, type EmbeddedCredentials } from '../../../core/adapters/mqtt/embedded-credentials.ts';
import { identitiesFor, livePublisherClientId, reservedServiceClientIds } from '../../../core/domain/mqtt-access/identities.ts';
import { Simulator } from '../../../simulators/simulator.ts';
import { OpsAlarmRelay } from '../../../api/ops/ops-alarm-relay.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import pino from 'pino';
import { k14Site } from '../../fixtures/site.ts';
import { makeThrowawayCa, type ThrowawayCa } from './throwaway-ca.ts';
import { ClientPool, closed, counterMessage, meterMessage, startIngestAs, storedFor, waitForCount, waitForMeterFlow, type IngestOnBroker } from './mqtt-security-fixture.ts';

const site = k14Site();
const INGEST_CLIENT_ID = 'k14-ingest-embedded-test';
const CLOSE_TIMEOUT_MS = 5_000;
const REFUSED_LOGIN = /Connection refused: Bad username or password/;
let root: string;
let ca: ThrowawayCa;
let credentials: EmbeddedCredentials;
let broker: EmbeddedBroker;
let ingest: IngestOnBroker;
const pool = new ClientPool();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'k14-mqtt-embedded-access-'));
  ca = await makeThrowawayCa(root);
  credentials = provisionEmbeddedCredentials({
    dir: join(root, 'mqtt'),
    identities: identitiesFor(site),
    siteConfigFile: 'config/site.k14.json',
    reservedClientIds: reservedServiceClientIds({ ingest: INGEST_CLIENT_ID, api: 'k14-api-embedded-test' }),
  });
  broker = await startEmbeddedBroker({
    port: 0,
    access: credentials.access,
    tls: { port: 0, key: readFileSync(ca.serverKeyFile), cert: readFileSync(ca.serverCertFile) },
  });
  ingest = await startIngestAs({ url: broker.url, protocolVersion: 4, username: 'ingest', password: credentials.passwordOf('ingest'), dir: root, site, clientId: INGEST_CLIENT_ID });
});

afterEach(() => pool.endAll());

afterAll(async () => {
  await pool.endAll();
  await ingest?.stop();
  await broker?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

let connections = 0;
const login = (username: string) => ({ protocolVersion: 4 as const, username, password: credentials.passwordOf(username), clientId: `${username.replaceAll('/', '-')}-${++connections}` });

describe('a device publishing to another device’s topic (embedded broker)', () => {
  it('is refused: the connection closes, the message is dropped and nothing of it reaches the store', async () => {
    const meter = await pool.connect(broker.url, login('meter/inf-z1'));
    // Ingest is subscribed once a first legitimate message is stored.
    await meter.publishAsync('k14/meter/inf-z1', meterMessage(201), { qos: 1 });
    await waitForMeterFlow(ingest.store, 'inf-z1', 201);

    // MQTT 3.1.1 has no negative PUBACK: Aedes closes the connection instead (MQTT-3.3.5-2).
    const meterClosed = closed(meter, CLOSE_TIMEOUT_MS);
    meter.publish('k14/meter/rec-z1', meterMessage(666), { qos: 1 }, () => {});
    await meterClosed;
    const counter = await pool.connect(broker.url, login('counter/mask-line/pms-02'));
    const counterClosed = closed(counter, CLOSE_TIMEOUT_MS);
    counter.publish('cleanroom/mask-line/pms/pms-01', counterMessage(666), { qos: 1 }, () => {});
    await counterClosed;

    const meterAgain = await pool.connect(broker.url, login('meter/inf-z1'));
    await meterAgain.publishAsync('k14/meter/inf-z1', meterMessage(202), { qos: 1 });
    const counterAgain = await pool.connect(broker.url, login('counter/mask-line/pms-02'));
    await counterAgain.publishAsync('cleanroom/mask-line/pms/pms-02', counterMessage(202), { qos: 1 });
    await waitForMeterFlow(ingest.store, 'inf-z1', 202);
    await waitForCount(ingest.store, 'mask-line', 'pms-02', 202);
    expect(await storedFor(ingest.store, { meterId: 'rec-z1' })).toEqual({ readings: 0, deadLetters: 0 });
    expect(await storedFor(ingest.store, { roomId: 'mask-line', counterId: 'pms-01' })).toEqual({ readings: 0, deadLetters: 0 });
  });

  it('cannot subscribe to anything (SUBACK 0x80) and receives nothing', async () => {
    const spy = await pool.connect(broker.url, login('meter/rec-z1'));
    const received: string[] = [];
    spy.on('message', (topic) => received.push(topic));
    // mqtt.js reports a 0x80 grant as an error.
    await expect(spy.subscribeAsync(['k14/meter/+', 'live/v1/readings', '#'], { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const meter = await pool.connect(broker.url, login('meter/inf-z1'));
    await meter.publishAsync('k14/meter/inf-z1', meterMessage(203), { qos: 1 });
    await waitForMeterFlow(ingest.store, 'inf-z1', 203);
    expect(received).toEqual([]);
    expect(spy.connected).toBe(true);
  });
});

describe('ingest’s ops alarms on the embedded broker', () => {
  it('are published by ingest (its retained start-up state) and reach the API identity; a device may not read them', async () => {
    const { password } = login('api');
    const relay = new OpsAlarmRelay({ mqtt: { url: broker.url, protocolVersion: 4, clientId: `api-ops-${++connections}`, username: 'api', password }, logger: pino({ level: 'silent' }), onChange: () => {} });
    await relay.start();
    try {
      const heard = await pollUntil(() => (relay.all().length > 0 ? relay.all() : undefined), { description: 'the retained store-backlog state', timeoutMs: 5_000 });
      expect(heard.map((a) => `${a.source} ${a.kind} ${a.active}`)).toEqual([`${INGEST_CLIENT_ID} store-backlog false`]);
      expect(relay.active()).toEqual([]);
    } finally {
      await relay.stop();
    }
    const spy = await pool.connect(broker.url, login('meter/inf-z1'));
    await expect(spy.subscribeAsync('system/v1/ops-alarms/+/+', { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });
});

describe('logging in to the embedded broker', () => {
  it('refuses a wrong password, another identity’s password, an unknown user and anonymous clients', async () => {
    await expect(pool.connect(broker.url, { ...login('meter/inf-z1'), password: 'not-the-password' })).rejects.toThrow(REFUSED_LOGIN);
    await expect(pool.connect(broker.url, { ...login('meter/inf-z1'), password: credentials.passwordOf('ingest') })).rejects.toThrow(REFUSED_LOGIN);
    await expect(pool.connect(broker.url, { protocolVersion: 4, username: 'meter/nope', password: 'x' })).rejects.toThrow(REFUSED_LOGIN);
    await expect(pool.connect(broker.url, { protocolVersion: 4 })).rejects.toThrow(/Connection refused: Not authorized/);
    await expect(pool.connect(broker.url, login('meter/inf-z1'))).resolves.toBeDefined();
  });

  it('keeps ingest’s client ids for ingest: a device cannot take over its session nor its live republish connection', async () => {
    await expect(pool.connect(broker.url, { ...login('meter/inf-z1'), clientId: INGEST_CLIENT_ID, clean: false })).rejects.toThrow(/Connection refused: Identifier rejected/);
    await expect(pool.connect(broker.url, { ...login('meter/inf-z1'), clientId: livePublisherClientId(INGEST_CLIENT_ID) })).rejects.toThrow(/Connection refused: Identifier rejected/);
  });

  it('over TLS trusts the listener with the CA only', async () => {
    expect(broker.tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const tlsUrl = broker.tlsUrl ?? '';
    await expect(pool.connect(tlsUrl, { ...login('meter/inf-z1'), ca: readFileSync(ca.caCertFile) })).resolves.toBeDefined();
    await expect(pool.connect(tlsUrl, login('meter/inf-z1'))).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    await expect(pool.connect(tlsUrl, { ...login('meter/inf-z1'), password: 'wrong', ca: readFileSync(ca.caCertFile) })).rejects.toThrow(REFUSED_LOGIN);
  });

  it('carries the simulator’s readings when it is given the CA file (MQTT_CA_FILE), and refuses it without', async () => {
    const simulatorOver = (caFile?: string) =>
      new Simulator({ url: broker.tlsUrl ?? '', site, logger: pino({ level: 'silent' }), username: 'simulator', password: credentials.passwordOf('simulator'), meterIntervalMs: 100, ...(caFile ? { caFile } : {}) });
    await expect(simulatorOver().start()).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    const simulator = simulatorOver(ca.caCertFile);
    const before = (await storedFor(ingest.store, { meterId: 'rec-z1' })).readings;
    await simulator.start();
    try {
      await expect.poll(async () => (await storedFor(ingest.store, { meterId: 'rec-z1' })).readings, { timeout: 10_000 }).toBeGreaterThan(before);
    } finally {
      await simulator.stop();
    }
  });
});

describe('the embedded default’s credential files', () => {
  it('are owner-only, keep every password across starts and follow the site’s devices', () => {
    const dir = join(root, 'mqtt');
    for (const file of ['credentials.json', 'broker/passwd', 'broker/acl']) expect(statSync(join(dir, file)).mode & 0o777, file).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(credentials.added).toHaveLength(identitiesFor(site).length);

    const fewerMeters = { ...site, meters: site.meters.filter((m) => m.id !== 'tap-z2') };
    const again = provisionEmbeddedCredentials({ dir, identities: identitiesFor(fewerMeters), siteConfigFile: 'site.json' });
    expect(again.added).toEqual([]);
    expect(again.removed).toEqual(['meter/tap-z2']);
    expect(again.passwordOf('meter/inf-z1')).toBe(credentials.passwordOf('meter/inf-z1'));
    expect(again.access.authenticate('meter/inf-z1', credentials.passwordOf('meter/inf-z1'))?.username).toBe('meter/inf-z1');
    expect(again.access.authenticate('meter/tap-z2', credentials.passwordOf('meter/tap-z2'))).toBeUndefined();
    expect(readFileSync(join(dir, 'broker/passwd'), 'utf8')).not.toContain(credentials.passwordOf('ingest'));
  });
});
