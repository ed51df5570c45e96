// An excursion while the alarm store (InfluxDB) hangs is not lost: the API's engine holds the live
// message unacknowledged and retries, and once influxd answers again the alarm is stored and reaches
// a websocket client that was connected all along and one that connects afterwards with `after`.
// Real Mosquitto, real influxd (paused with SIGSTOP), ingest and the API service in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiService } from '../../../api/api-service.ts';
import { openSqliteApiKeyStore } from '../../../api/auth/sqlite-api-key-store.ts';
import { createInfluxAlarmStore } from '../../../core/adapters/influx-alarms/influx-alarm-store.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { loadConfig } from '../../../core/config/app-config.ts';
import { counterTopic } from '../../../core/domain/messages/topics.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { AlarmStore } from '../../../core/ports/alarm-store.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { startInfluxd, type RunningInfluxd } from '../../harness/influxd.ts';
import { startMosquitto, type RunningMosquitto } from '../../harness/mosquitto.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { k14Site } from '../../fixtures/site.ts';
import { testIngestOptions } from '../spine/ingest-fixture.ts';

interface AlarmEvent {
  id: number;
  channel: string;
  type: string;
  data: { alarmId?: string; to?: string; cause?: string };
}

/** Counts at 0.5 µm in 28.3 L over the ISO 8 action level: one sample raises. */
const ACTION = 110_000;
const OUTAGE_MS = 5_000;

describe('an excursion while the InfluxDB alarm store hangs', () => {
  const site = k14Site();
  const logger = pino({ level: 'silent' });
  let dir: string;
  let mosquitto: RunningMosquitto;
  let influxd: RunningInfluxd;
  let store: TelemetryStore;
  let alarmStore: AlarmStore;
  let ingest: IngestService;
  let api: ApiService;
  let base: string;
  let key: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-alarm-outage-'));
    [mosquitto, influxd] = await Promise.all([startMosquitto(), startInfluxd({ database: 'alarms' })]);
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
    alarmStore = createInfluxAlarmStore({ url: influxd.url, bucket: 'alarms' });
    await alarmStore.start();
    ingest = new IngestService(testIngestOptions({ url: mosquitto.url, protocolVersion: 5, dir, site, store, registry: new MetricsRegistry(), logger }));
    await ingest.start();
    const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', MQTT_URL: mosquitto.url, API_MQTT_CLIENT_ID: `outage-api-${process.pid}` });
    const keyStore = openSqliteApiKeyStore(config.security.keysFile);
    key = keyStore.create({ role: 'viewer', name: 'wall display' }, Date.now()).key;
    keyStore.close();
    api = new ApiService({ config, site, store, alarmStore, registry: new MetricsRegistry(), logger, mqttUrl: mosquitto.url });
    base = await api.start();
  });

  afterAll(async () => {
    for (const ws of sockets) ws.close();
    await influxd?.resume().catch(() => {});
    await api?.stop();
    await ingest?.stop();
    await alarmStore?.close();
    await store?.close();
    await Promise.all([mosquitto?.stop(), influxd?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const listen = async (after?: number): Promise<AlarmEvent[]> => {
    const events: AlarmEvent[] = [];
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${key}` } });
    sockets.push(ws);
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type: string; event?: AlarmEvent };
      if (message.type === 'event' && message.event?.channel === 'alarms' && message.event.type === 'transition') events.push(message.event);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'subscribe', channels: ['alarms'], ...(after === undefined ? {} : { after }) }));
    return events;
  };
  const raised = (events: readonly AlarmEvent[]) => events.filter((e) => e.data.to === 'active-unacknowledged');

  it('is held while influxd hangs, then stored and delivered live and on reconnect', async () => {
    const live = await listen();
    await influxd.pause();
    const device = await mqtt.connectAsync(mosquitto.url);
    await device.publishAsync(counterTopic('mask-line', 'pms-01'), JSON.stringify({ ts: Date.now(), volume_l: 28.3, counts: { '0.5': ACTION } }), { qos: 1 });
    await device.endAsync();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    // Nothing is announced before it is stored: an announced alarm the store then lost would be worse.
    expect(raised(live)).toHaveLength(0);

    await influxd.resume();
    await pollUntil(async () => (raised(live).length === 1 ? true : undefined), { timeoutMs: 30_000, description: 'the raise on the websocket after influxd resumed' });
    const [raise] = raised(live);
    const rest = (await (await fetch(`${base}/api/cleanroom/alarms?state=active`, { headers: { authorization: `Bearer ${key}` } })).json()) as { alarms: Array<{ id: string }> };
    expect(rest.alarms.map((a) => a.id)).toContain(raise!.data.alarmId);

    const late = await listen(0);
    await pollUntil(async () => (raised(late).length === 1 ? true : undefined), { timeoutMs: 10_000, description: 'the raise replayed to a client connecting with after=0' });
    expect(raised(late)[0]!.id).toBe(raise!.id);
  });
});
