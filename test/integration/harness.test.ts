// The test harness itself: real mosquitto and influxd start on free ports, answer, survive a
// restart with their data, and the v2-write proxy translates writes and passes errors through.
import { connect, connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type RunningInfluxd } from '../harness/influxd.ts';
import { translatePath } from '../harness/influx-v2-write-proxy.ts';
import { startMosquitto } from '../harness/mosquitto.ts';

const SERVICE_TIMEOUT_MS = 60_000;

function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve) => client.once('message', (topic, payload) => resolve({ topic, payload: payload.toString('utf8') })));
}

describe('mosquitto harness', () => {
  it(
    'round-trips a message between two mqtt.js clients',
    async () => {
      const broker = await startMosquitto();
      const clients: MqttClient[] = [];
      try {
        const subscriber = await connectAsync(broker.url, { reconnectPeriod: 0 });
        const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
        clients.push(subscriber, publisher);
        await subscriber.subscribeAsync('k14/test/#', { qos: 1 });
        const received = nextMessage(subscriber);

        await publisher.publishAsync('k14/test/ping', 'hello ✓', { qos: 1 });

        expect(await received).toEqual({ topic: 'k14/test/ping', payload: 'hello ✓' });
      } finally {
        await Promise.all(clients.map((c) => c.endAsync()));
        await broker.stop();
      }
    },
    SERVICE_TIMEOUT_MS,
  );

  it(
    'keeps a persistent session and its queued message across restart()',
    async () => {
      const broker = await startMosquitto({ persistence: true });
      const clients: MqttClient[] = [];
      try {
        const offline = await connectAsync(broker.url, { clientId: 'harness-sub', clean: false, reconnectPeriod: 0 });
        await offline.subscribeAsync('k14/queued', { qos: 1 });
        await offline.endAsync();
        const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
        await publisher.publishAsync('k14/queued', 'kept', { qos: 1 });
        await publisher.endAsync();

        await broker.restart();

        // Listening before the connection opens: the queued message arrives right after CONNACK.
        const back = connect(broker.url, { clientId: 'harness-sub', clean: false, reconnectPeriod: 0 });
        clients.push(back);
        const received = nextMessage(back);
        expect(await received).toEqual({ topic: 'k14/queued', payload: 'kept' });
      } finally {
        await Promise.all(clients.map((c) => c.endAsync()));
        await broker.stop();
      }
    },
    SERVICE_TIMEOUT_MS,
  );
});

describe('influxd harness', () => {
  let influxd: RunningInfluxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  }, SERVICE_TIMEOUT_MS);

  afterAll(async () => {
    await influxd?.stop();
  }, SERVICE_TIMEOUT_MS);

  const select = async (q: string): Promise<unknown> => {
    const params = new URLSearchParams({ db: influxd.database, epoch: 'ms', q });
    const response = await fetch(`${influxd.url}/query?${params.toString()}`);
    expect(response.status).toBe(200);
    return response.json();
  };

  it('answers /ping through the proxy', async () => {
    const response = await fetch(`${influxd.url}/ping`);
    expect(response.status).toBe(204);
    expect(response.headers.get('x-influxdb-version')).toMatch(/^1\.6/);
  });

  it('writes through /api/v2/write and queries the point back', async () => {
    const write = await fetch(`${influxd.url}/api/v2/write?org=k14&bucket=${influxd.database}&precision=ms`, {
      method: 'POST',
      headers: { authorization: 'Token not-checked-by-1.x' },
      body: 'harness,meter=rec-z1 flow_m3h=578.25 1620604800000',
    });
    expect(write.status).toBe(204);

    expect(await select('SELECT flow_m3h, meter FROM harness')).toEqual({
      results: [{ statement_id: 0, series: [{ name: 'harness', columns: ['time', 'flow_m3h', 'meter'], values: [[1620604800000, 578.25, 'rec-z1']] }] }],
    });
  });

  it('passes a 400 and its body through unchanged', async () => {
    await influxd.writeLines(influxd.database, 'conflict v=1 1');

    const write = await fetch(`${influxd.url}/api/v2/write?org=k14&bucket=${influxd.database}&precision=ns`, { method: 'POST', body: 'conflict v=1i 2' });

    expect(write.status).toBe(400);
    expect(await write.text()).toContain('field type conflict');
  });

  it('answers 502 while influxd is down and keeps the data across a kill and start()', async () => {
    await influxd.writeLines(influxd.database, 'durable v=42 1620604800000000000');

    await influxd.kill('SIGKILL');
    const down = await fetch(`${influxd.url}/ping`);
    expect(down.status).toBe(502);
    await influxd.start();

    expect(await select('SELECT v FROM durable')).toEqual({
      results: [{ statement_id: 0, series: [{ name: 'durable', columns: ['time', 'v'], values: [[1620604800000, 42]] }] }],
    });
  }, SERVICE_TIMEOUT_MS);
});

describe('v2 → 1.x path translation', () => {
  it('maps bucket, precision and a database/retention-policy bucket', () => {
    expect(translatePath('/api/v2/write?org=o&bucket=b&precision=ns')).toEqual({ path: '/write?db=b&precision=n' });
    expect(translatePath('/api/v2/write?bucket=b&precision=us')).toEqual({ path: '/write?db=b&precision=u' });
    expect(translatePath('/api/v2/write?bucket=b')).toEqual({ path: '/write?db=b&precision=n' });
    expect(translatePath('/api/v2/write?bucket=db%2Frp&precision=s')).toEqual({ path: '/write?db=db&precision=s&rp=rp' });
    expect(translatePath('/query?db=x&q=SELECT+1')).toEqual({ path: '/query?db=x&q=SELECT+1' });
    expect(translatePath('/api/v2/write?precision=ns')).toEqual({ error: 'bucket is required' });
  });
});
