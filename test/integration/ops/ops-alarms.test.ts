// Ingest's operational alarms against real services (Mosquitto 2, InfluxDB 1.6 from the harness):
// a device skipping seq numbers, influxd hung (SIGSTOP) until the backlog alarm shows on GET /ops and
// reaches the API's relay, then cleared after it resumes; a broker restart without persistence
// (the session is lost) raises session-lost and ingest, resubscribed, still receives.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsAlarmRelay } from '../../../api/ops/ops-alarm-relay.ts';
import { createInfluxStore } from '../../../core/adapters/influx/influx-store.ts';
import type { OpsAlarm } from '../../../core/domain/ops/ops-alarm.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { ingestHttpHandler } from '../../../ingest/ops/ingest-http.ts';
import type { OpsSnapshot } from '../../../ingest/ops/ops-snapshot.ts';
import { aSiteWithMeters } from '../../fixtures/site.ts';
import { startInfluxd, type RunningInfluxd } from '../../harness/influxd.ts';
import { startMosquitto, type RunningMosquitto } from '../../harness/mosquitto.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { testIngestOptions } from '../spine/ingest-fixture.ts';

const RAISE_AT_MS = 3_000;
const EVALUATE_MS = 500;
/** Scheduling slack on a busy two-core machine. */
const SLACK_MS = 2_000;
const CLIENT_ID = 'ops-alarms-ingest';

describe('ingest ops alarms on Mosquitto + InfluxDB', () => {
  const site = aSiteWithMeters(3);
  const meterId = site.meters[0]!.id;
  let dir: string;
  let mosquitto: RunningMosquitto;
  let influxd: RunningInfluxd;
  let store: TelemetryStore;
  let ingest: IngestService;
  let http: Server;
  let opsUrl: string;
  let relay: OpsAlarmRelay;
  const relayed: OpsAlarm[] = [];
  let seq = 0;

  const publish = async (seqs: readonly number[]) => {
    const device = await mqtt.connectAsync(mosquitto.url, { protocolVersion: 5, clientId: `ops-device-${Date.now()}` });
    try {
      // Distinct timestamps: a reading is identified by device and time.
      for (const s of seqs) await device.publishAsync(`k14/meter/${meterId}`, JSON.stringify({ ts: Date.now() - 1_000 + s, flow_m3h: 100 + s, seq: s }), { qos: 1 });
    } finally {
      await device.endAsync();
    }
  };
  const ops = async (): Promise<OpsSnapshot> => (await fetch(opsUrl)).json() as Promise<OpsSnapshot>;
  const activeKinds = async () => (await ops()).alarms.map((a) => a.kind);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-ops-alarms-'));
    [mosquitto, influxd] = await Promise.all([startMosquitto({ persistence: false }), startInfluxd()]);
    await influxd.createDatabase('ops_alarms');
    store = createInfluxStore({ url: influxd.url, bucket: 'ops_alarms', writeTimeoutMs: 2_000 });
    await store.start();
    const registry = new MetricsRegistry();
    const base = testIngestOptions({ url: mosquitto.url, protocolVersion: 5, dir, site, store, registry, logger: pino({ level: 'silent' }), clientId: CLIENT_ID });
    ingest = new IngestService({ ...base, ops: { backlog: { raiseAtAgeMs: RAISE_AT_MS, clearBelowAgeMs: 1_000 }, evaluateIntervalMs: EVALUATE_MS, seqRestartMax: 3 } });
    await ingest.start();
    http = createServer(ingestHttpHandler({ registry, ops: () => ingest.ops }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    opsUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/ops`;
    relay = new OpsAlarmRelay({ mqtt: { url: mosquitto.url, protocolVersion: 5, clientId: 'ops-alarms-api-relay' }, logger: pino({ level: 'silent' }), onChange: (a) => relayed.push(a) });
    await relay.start();
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
    await influxd?.resume().catch(() => undefined);
    await ingest?.stop(5_000);
    await store?.close();
    await Promise.all([mosquitto?.stop(), influxd?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a device publishing seq 1, 2, 5 as a gap of 2', async () => {
    await publish([1, 2, 5]);
    seq = 5;
    const device = await pollUntil(async () => (await ops()).seq.devices[`meter/${meterId}`]?.lastSeq === 5 ? (await ops()).seq.devices[`meter/${meterId}`] : undefined, { description: 'seq 5 seen', timeoutMs: 10_000 });
    expect(device).toEqual({ lastSeq: 5, missing: 2, gaps: 1, duplicates: 0, restarts: 0 });
    const snapshot = await ops();
    expect(snapshot.seq.missingTotal).toBe(2);
    expect(snapshot.seq.recentGaps).toEqual([expect.objectContaining({ device: `meter/${meterId}`, expected: 3, got: 5, missing: 2 })]);
    expect(await (await fetch(opsUrl.replace('/ops', '/metrics'))).text()).toContain(`ingest_seq_missing_total{device="meter/${meterId}"} 2`);
  });

  it('raises store-backlog within threshold + evaluation period of influxd hanging, relays it, and clears it after recovery', async () => {
    const stored = () => store.countReadings('meter', { fromMs: 0, toMs: Date.now() + 60_000 });
    // The three readings of the gap test, each with its own timestamp, are in the store.
    const storedBefore = await pollUntil(async () => ((await stored()) === 3 ? 3 : undefined), { description: 'the store to be caught up', timeoutMs: 15_000 });
    expect(await activeKinds()).toEqual([]);
    await influxd.pause();
    const outageAt = Date.now();
    await publish([++seq]);
    await pollUntil(async () => ((await activeKinds()).includes('store-backlog') ? true : undefined), { description: 'the store-backlog alarm on GET /ops', timeoutMs: RAISE_AT_MS + EVALUATE_MS + SLACK_MS + 5_000 });
    const raisedAfterMs = Date.now() - outageAt;
    expect(raisedAfterMs).toBeGreaterThanOrEqual(RAISE_AT_MS);
    expect(raisedAfterMs).toBeLessThanOrEqual(RAISE_AT_MS + EVALUATE_MS + SLACK_MS);
    const alarm = (await ops()).alarms.find((a) => a.kind === 'store-backlog')!;
    expect(alarm).toMatchObject({ source: CLIENT_ID, active: true, clearedAt: null, detail: { thresholdMs: RAISE_AT_MS } });
    await pollUntil(() => (relay.active().some((a) => a.kind === 'store-backlog') ? true : undefined), { description: 'the API relay to hear the raise', timeoutMs: 5_000 });

    await influxd.resume();
    await pollUntil(async () => ((await activeKinds()).includes('store-backlog') ? undefined : true), { description: 'the store-backlog alarm to clear', timeoutMs: 30_000 });
    await pollUntil(() => (relay.active().length === 0 ? true : undefined), { description: 'the API relay to hear the clear', timeoutMs: 5_000 });
    expect(relayed.filter((a) => a.kind === 'store-backlog').map((a) => a.active)).toEqual([true, false]);
    await pollUntil(async () => ((await stored()) === storedBefore + 1 ? true : undefined), { description: 'the reading held during the outage in the store', timeoutMs: 15_000 });
  }, 60_000);

  it('raises session-lost when the broker restarts without the session, and ingest, resubscribed, still receives', async () => {
    expect(await activeKinds()).not.toContain('session-lost');
    await mosquitto.restart();
    await pollUntil(async () => ((await activeKinds()).includes('session-lost') ? true : undefined), { description: 'the session-lost alarm on GET /ops', timeoutMs: 20_000 });
    const alarm = (await ops()).alarms.find((a) => a.kind === 'session-lost')!;
    expect(alarm).toMatchObject({ source: CLIENT_ID, active: true, detail: { occurrences: 1 } });
    await pollUntil(() => (relay.active().some((a) => a.kind === 'session-lost') ? true : undefined), { description: 'the API relay to hear the session loss', timeoutMs: 10_000 });

    const before = await store.countReadings('meter', { fromMs: 0, toMs: Date.now() + 60_000 });
    await publish([++seq]);
    await pollUntil(async () => ((await store.countReadings('meter', { fromMs: 0, toMs: Date.now() + 60_000 })) === before + 1 ? true : undefined), { description: 'the reading after the restart in the store', timeoutMs: 15_000 });
    expect((await ops()).seq.devices[`meter/${meterId}`]).toMatchObject({ lastSeq: seq, missing: 2 });

    // It does not clear by itself: only an acknowledgement does.
    expect(await activeKinds()).toContain('session-lost');
    const ack = await fetch(opsUrl.replace('/ops', '/ops/alarms/session-lost/ack'), { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(await activeKinds()).toEqual([]);
    await pollUntil(() => (relay.active().length === 0 ? true : undefined), { description: 'the API relay to hear the acknowledgement', timeoutMs: 5_000 });
  }, 60_000);
});
