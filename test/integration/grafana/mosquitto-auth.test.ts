// The production broker setup on a real Mosquitto 2: provisioning/mosquitto/mosquitto.conf with the files
// scripts/generate-mosquitto-auth.ts writes. Devices publish only their own topic, services only theirs.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/free-port.ts';
import { createManagedProcess, findExecutable, type ManagedProcess } from '../../harness/managed-process.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { acceptsConnections } from '../../harness/tcp-probe.ts';
import { verifyPassword } from '../../../core/adapters/mqtt/password-hash.ts';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '../../..');
const SERVICE_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 5_000;

let root: string;
let broker: ManagedProcess;
let url: string;
let passwords: Record<string, string>;
const clients: MqttClient[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'k14-mosquitto-auth-'));
  const auth = join(root, 'auth');
  await run(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/generate-mosquitto-auth.ts'), '--site', join(REPO, 'config/site.k14.json'), '--out', auth], { cwd: REPO });
  passwords = (JSON.parse(await readFile(join(auth, 'credentials.json'), 'utf8')) as { passwords: Record<string, string> }).passwords;
  await mkdir(join(root, 'data'));
  const port = await freePort();
  url = `mqtt://127.0.0.1:${port}`;
  const production = await readFile(join(REPO, 'provisioning/mosquitto/mosquitto.conf'), 'utf8');
  const config = production
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replaceAll('/mosquitto/auth/', `${join(auth, 'broker')}/`)
    .replaceAll('/mosquitto/data/', `${join(root, 'data')}/`)
    .replace(/^log_dest stdout$/m, 'log_dest stderr');
  // As root, mosquitto would switch to a "mosquitto" user that cannot read our private temp dir.
  await writeFile(join(root, 'mosquitto.conf'), `${config}\nuser ${userInfo().username}\n`);
  const executable = findExecutable('mosquitto');
  if (executable === undefined) throw new Error('mosquitto is not installed: run bash scripts/ensure-system-deps.sh');
  broker = createManagedProcess({
    name: 'mosquitto',
    executable,
    args: ['-c', join(root, 'mosquitto.conf')],
    cwd: root,
    isReady: async (_pid, output) => output.includes(' running') && (await acceptsConnections(port)),
  });
  await broker.start();
}, SERVICE_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  await broker?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
}, SERVICE_TIMEOUT_MS);

async function connectAs(username: string | undefined, password?: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    clientId: `auth-test-${username ?? 'anonymous'}-${clients.length}`.replace(/[^A-Za-z0-9-]/g, '-'),
    ...(username === undefined ? {} : { username, password: password ?? passwords[username] }),
  });
  clients.push(client);
  return client;
}

/** Messages a client receives, by topic, from now on. */
function inbox(client: MqttClient): string[] {
  const topics: string[] = [];
  client.on('message', (topic) => topics.push(topic));
  return topics;
}

/** Publishes `denied` then `allowed` from one client: in-order delivery proves whether `denied` was dropped. */
async function publishPair(client: MqttClient, denied: string, allowed: string, received: string[]): Promise<void> {
  await client.publishAsync(denied, '{}', { qos: 1 }).catch(() => undefined);
  await client.publishAsync(allowed, '{}', { qos: 1 });
  await pollUntil(() => (received.includes(allowed) ? true : undefined), { description: `${allowed} to arrive`, timeoutMs: DELIVERY_TIMEOUT_MS });
}

describe('authentication', () => {
  it('refuses anonymous clients and wrong passwords, accepts the generated ones', async () => {
    await expect(connectAs(undefined)).rejects.toThrow();
    await expect(connectAs('ingest', 'not-the-password')).rejects.toThrow();
    await expect(connectAs('ingest')).resolves.toBeDefined();
  });

  it('writes Mosquitto $7$ hashes of the credentials, and reads mosquitto_passwd’s own hashes', async () => {
    const passwd = await readFile(join(root, 'auth/broker/passwd'), 'utf8');
    const entry = passwd.split('\n').find((line) => line.startsWith('meter/inf-z1:'));
    expect(entry).toMatch(/^meter\/inf-z1:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(verifyPassword(entry?.slice('meter/inf-z1:'.length) ?? '', passwords['meter/inf-z1'] ?? '')).toBe(true);

    const tool = findExecutable('mosquitto_passwd');
    if (tool === undefined) throw new Error('mosquitto_passwd is not installed: run bash scripts/ensure-system-deps.sh');
    await run(tool, ['-c', '-b', join(root, 'tool-passwd'), 'someone', 'pa55:word with spaces']);
    const [, toolHash] = (await readFile(join(root, 'tool-passwd'), 'utf8')).trim().split(/:(.*)/s);
    expect(verifyPassword(toolHash ?? '', 'pa55:word with spaces')).toBe(true);
    expect(verifyPassword(toolHash ?? '', 'pa55:word with space')).toBe(false);
  });
});

describe('authorisation', () => {
  it('lets a meter publish its own topic only, and ingest read it', async () => {
    const ingest = await connectAs('ingest');
    const received = inbox(ingest);
    await ingest.subscribeAsync(['k14/meter/+', 'cleanroom/+/pms/+'], { qos: 1 });
    const meter = await connectAs('meter/inf-z1');
    await publishPair(meter, 'k14/meter/rec-z1', 'k14/meter/inf-z1', received);
    expect(received).not.toContain('k14/meter/rec-z1');
  });

  it('lets a counter publish its own topic only', async () => {
    const ingest = await connectAs('ingest');
    const received = inbox(ingest);
    await ingest.subscribeAsync('cleanroom/+/pms/+', { qos: 1 });
    const counter = await connectAs('counter/mask-line/pms-02');
    await publishPair(counter, 'cleanroom/mask-line/pms/pms-01', 'cleanroom/mask-line/pms/pms-02', received);
    expect(received).not.toContain('cleanroom/mask-line/pms/pms-01');
  });

  it('lets the simulator and the dead-letter replay publish any device topic, known or not', async () => {
    const ingest = await connectAs('ingest');
    const received = inbox(ingest);
    await ingest.subscribeAsync(['k14/meter/+', 'cleanroom/+/pms/+'], { qos: 1 });
    const simulator = await connectAs('simulator');
    await simulator.publishAsync('k14/meter/not-configured', '{}', { qos: 1 });
    await simulator.publishAsync('cleanroom/mask-line/pms/pms-03', '{}', { qos: 1 });
    const replay = await connectAs('dead-letter-replay');
    await replay.publishAsync('k14/meter/tap-z2', '{}', { qos: 1 });
    await pollUntil(() => (received.length >= 3 ? true : undefined), { description: 'three device messages', timeoutMs: DELIVERY_TIMEOUT_MS });
    expect(received.sort()).toEqual(['cleanroom/mask-line/pms/pms-03', 'k14/meter/not-configured', 'k14/meter/tap-z2']);
  });

  it('lets ingest publish the live topic and the API read it, and nothing else either way', async () => {
    const api = await connectAs('api');
    const received = inbox(api);
    // Mosquitto 2.0 grants the subscription and filters each message by the read ACL on delivery.
    await api.subscribeAsync(['live/v1/readings', 'k14/meter/+'], { qos: 1 });
    const meter = await connectAs('meter/inf-z1');
    await meter.publishAsync('k14/meter/inf-z1', '{}', { qos: 1 });
    const ingest = await connectAs('ingest');
    const ingestReceived = inbox(ingest);
    await ingest.subscribeAsync(['live/v1/readings', 'k14/meter/+'], { qos: 1 });
    await publishPair(ingest, 'cleanroom/mask-line/pms/pms-01', 'live/v1/readings', received);
    await api.publishAsync('live/v1/readings', '{"readings":[]}', { qos: 1 }).catch(() => undefined);
    await publishPair(meter, 'live/v1/readings', 'k14/meter/inf-z1', ingestReceived);
    expect(received).toEqual(['live/v1/readings']);
    expect(ingestReceived).toEqual(['k14/meter/inf-z1']);
  });

  it('lets the healthcheck identity read the retained $SYS uptime the container healthcheck waits for', async () => {
    const password = (await readFile(join(root, 'auth/broker/healthcheck.password'), 'utf8')).trim();
    const probe = await connectAs('healthcheck', password);
    const received = inbox(probe);
    await probe.subscribeAsync('$SYS/broker/uptime', { qos: 0 });
    await pollUntil(() => (received.includes('$SYS/broker/uptime') ? true : undefined), { description: '$SYS/broker/uptime', timeoutMs: DELIVERY_TIMEOUT_MS });
  });
});
