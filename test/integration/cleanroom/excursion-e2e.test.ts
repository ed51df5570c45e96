// A scripted cleanroom excursion end to end on real Mosquitto: device → ingest → live topic → API
// alarm engine → websocket and REST. Counts rise past alert, then action, then fall; an operator
// acknowledges one alarm and shelves another through REST under their own API keys, and the websocket
// sees every transition, with the key (not anything the client claims) as the actor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiService } from '../../../api/api-service.ts';
import { openSqliteApiKeyStore } from '../../../api/auth/sqlite-api-key-store.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { loadConfig } from '../../../core/config/app-config.ts';
import { counterTopic } from '../../../core/domain/messages/topics.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { startMosquitto, type RunningMosquitto } from '../../harness/mosquitto.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { k14Site } from '../../fixtures/site.ts';
import { testIngestOptions } from '../spine/ingest-fixture.ts';

interface TransitionEvent {
  alarmId: string;
  cause: string;
  from: string;
  to: string;
  severity: string;
  actor: string;
}

/** The parts of the REST answers these tests read. */
interface RestAnswer {
  state: string;
  transitions: Array<TransitionEvent & { comment: string | null }>;
  alarms: Array<{ id: string; state: string }>;
}
const json = async (response: Response | Promise<Response>) => (await (await response).json()) as RestAnswer;

const VOLUME_L = 28.3;
/** Counts at 0.5 µm in 28.3 L: clean ≈ 10 % of the ISO 8 limit, over alert (70 %), over action (100 %). */
const CLEAN = 10_000;
const ALERT = 80_000;
const ACTION = 110_000;

describe('cleanroom excursion end to end (Mosquitto, ingest, API, websocket)', () => {
  const site = k14Site();
  const logger = pino({ level: 'silent' });
  let dir: string;
  let mosquitto: RunningMosquitto;
  let store: TelemetryStore;
  let ingest: IngestService;
  let api: ApiService;
  let base: string;
  let ws: WebSocket;
  const keys = { viewer: '', operator1: '', operator2: '' };
  const keyIds = { operator1: '', operator2: '' };
  const events: TransitionEvent[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-excursion-'));
    mosquitto = await startMosquitto();
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
    ingest = new IngestService(testIngestOptions({ url: mosquitto.url, protocolVersion: 5, dir, site, store, registry: new MetricsRegistry(), logger }));
    await ingest.start();
    const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', MQTT_URL: mosquitto.url, API_MQTT_CLIENT_ID: `excursion-api-${process.pid}` });
    // Keys made before the first start, as `npm run api-keys -- create` would: no initial admin key then.
    const keyStore = openSqliteApiKeyStore(config.security.keysFile);
    keys.viewer = keyStore.create({ role: 'viewer', name: 'wall display' }, Date.now()).key;
    for (const who of ['operator1', 'operator2'] as const) {
      const { key, record } = keyStore.create({ role: 'operator', name: who.replace('operator', 'operator-') }, Date.now());
      keys[who] = key;
      keyIds[who] = record.id;
    }
    keyStore.close();
    api = new ApiService({ config, site, store, registry: new MetricsRegistry(), logger, mqttUrl: mosquitto.url });
    base = await api.start();
    expect(api.initialAdminKey).toBeUndefined();
    ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${keys.viewer}` } });
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type: string; event?: { channel: string; data: TransitionEvent } };
      if (message.type === 'event' && message.event?.channel === 'alarms') events.push(message.event.data);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'subscribe', channels: ['alarms'] }));
  });

  afterAll(async () => {
    ws?.close();
    await api?.stop();
    await ingest?.stop();
    await store?.close();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const publishSamples = async (counterId: string, counts: number[], startMs: number) => {
    const device = await mqtt.connectAsync(mosquitto.url);
    for (const [i, count] of counts.entries()) {
      await device.publishAsync(counterTopic('mask-line', counterId), JSON.stringify({ ts: startMs + i * 60_000, volume_l: VOLUME_L, counts: { '0.5': count, '5.0': 10 } }), { qos: 1 });
    }
    await device.endAsync();
  };
  const get = (url: string) => fetch(`${base}${url}`, { headers: { authorization: `Bearer ${keys.viewer}` } });
  const post = (url: string, body: unknown, key = keys.operator1) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const eventsOf = (alarmId: string) => events.filter((e) => e.alarmId === alarmId);

  it('raises at alert after two samples, escalates to action as one alarm, clears after three clean samples', async () => {
    await publishSamples('pms-01', [CLEAN, ALERT, ALERT, ACTION, CLEAN, CLEAN, CLEAN], Date.now() - 30 * 60_000);
    const raised = await pollUntil(() => events.find((e) => e.cause === 'raised'), { description: 'a raised transition on the websocket', timeoutMs: 15_000 });
    await pollUntil(() => (eventsOf(raised.alarmId).some((e) => e.cause === 'cleared') ? true : undefined), { description: 'the clear', timeoutMs: 15_000 });
    expect(eventsOf(raised.alarmId).map((e) => `${e.cause} ${e.from}→${e.to} ${e.severity}`)).toEqual([
      'raised normal→active-unacknowledged alert',
      'severity-changed active-unacknowledged→active-unacknowledged action',
      'cleared active-unacknowledged→cleared-unacknowledged action',
    ]);
    const rest = await json(get(`/api/cleanroom/alarms/${encodeURIComponent(raised.alarmId)}`));
    expect(rest.state).toBe('cleared-unacknowledged');
    expect(rest.transitions.map((t) => t.cause)).toEqual(['raised', 'severity-changed', 'cleared']);
  });

  it('acknowledges through REST with the assignable cause, and the websocket shows it', async () => {
    const alarmId = events.find((e) => e.cause === 'raised')!.alarmId;
    expect((await post(`/api/cleanroom/alarms/${encodeURIComponent(alarmId)}/ack`, { comment: '' })).status).toBe(400);
    // The actor is the key: a body naming someone else is refused, not believed.
    expect((await post(`/api/cleanroom/alarms/${encodeURIComponent(alarmId)}/ack`, { by: 'someone-else', comment: 'x' })).status).toBe(400);
    expect((await post(`/api/cleanroom/alarms/${encodeURIComponent(alarmId)}/ack`, { comment: 'x' }, keys.viewer)).status).toBe(403);
    const response = await post(`/api/cleanroom/alarms/${encodeURIComponent(alarmId)}/ack`, { comment: 'door held open during a delivery' });
    expect(response.status).toBe(200);
    expect((await json(response)).state).toBe('normal');
    const ack = await pollUntil(() => eventsOf(alarmId).find((e) => e.cause === 'acknowledged'), { description: 'the acknowledgement on the websocket', timeoutMs: 10_000 });
    const actor = `operator-1 (key ${keyIds.operator1})`;
    expect(ack).toMatchObject({ actor, from: 'cleared-unacknowledged', to: 'normal' });
    expect((await post(`/api/cleanroom/alarms/${encodeURIComponent(alarmId)}/ack`, { comment: 'again' })).status).toBe(409);
    expect((await post('/api/cleanroom/alarms/no-such-alarm/ack', { comment: 'x' })).status).toBe(404);
    const history = await json(get(`/api/cleanroom/alarms/${encodeURIComponent(alarmId)}`));
    expect(history.transitions.at(-1)).toMatchObject({ cause: 'acknowledged', actor, comment: 'door held open during a delivery' });
  });

  it('raises at once on one action-level sample, and shelves through REST', async () => {
    await publishSamples('pms-02', [CLEAN, ACTION], Date.now() - 20 * 60_000);
    const raised = await pollUntil(() => events.find((e) => e.cause === 'raised' && e.alarmId.includes('pms-02')), { description: 'the pms-02 alarm', timeoutMs: 15_000 });
    expect(raised.severity).toBe('action');
    const response = await post(`/api/cleanroom/alarms/${encodeURIComponent(raised.alarmId)}/shelve`, { comment: 'counter under maintenance', durationMinutes: 30 }, keys.operator2);
    expect(response.status).toBe(200);
    expect((await json(response)).state).toBe('shelved');
    const shelved = await pollUntil(() => eventsOf(raised.alarmId).find((e) => e.cause === 'shelved'), { description: 'the shelve on the websocket', timeoutMs: 10_000 });
    expect(shelved.actor).toBe(`operator-2 (key ${keyIds.operator2})`);
    const active = await json(get('/api/cleanroom/alarms?state=active'));
    expect(active.alarms.map((a) => [a.id, a.state])).toContainEqual([raised.alarmId, 'shelved']);
    const badShelve = await post(`/api/cleanroom/alarms/${encodeURIComponent(raised.alarmId)}/shelve`, { comment: 'y', durationMinutes: 999_999 }, keys.operator2);
    expect(badShelve.status).toBe(400);
  });
});
