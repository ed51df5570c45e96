// Ingest republishes validated readings for the engines on a connection of its own, not the one the
// device traffic comes in on: there a live publish's PUBACK waited behind the inbound messages (up to
// 1.7 s in a flood). Real Mosquitto with debug logging says which client sent each PUBLISH.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { LIVE_READINGS_TOPIC, meterTopic, type LiveReadingsPayload } from '../../../core/domain/messages/topics.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { startMosquitto, type RunningMosquitto } from '../../harness/mosquitto.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { aSiteWithMeters } from '../../fixtures/site.ts';
import { testIngestOptions } from './ingest-fixture.ts';

const MESSAGES = 5;

describe('live republish connection', () => {
  const site = aSiteWithMeters(4);
  const clientId = `ingest-live-conn-${process.pid}`;
  let dir: string;
  let mosquitto: RunningMosquitto;
  let store: TelemetryStore;
  let ingest: IngestService;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-live-conn-'));
    mosquitto = await startMosquitto({ extraConfig: 'log_type debug' });
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
    ingest = new IngestService(testIngestOptions({ url: mosquitto.url, protocolVersion: 5, dir, site, store, registry: new MetricsRegistry(), logger: pino({ level: 'silent' }), clientId }));
    await ingest.start();
  });

  afterAll(async () => {
    await ingest?.stop();
    await store?.close();
    await mosquitto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the readings on live/v1/readings from "<client id>-live", never from the intake client', async () => {
    const seen: LiveReadingsPayload['readings'][number][] = [];
    const engine = await mqtt.connectAsync(mosquitto.url);
    engine.on('message', (_topic, payload) => seen.push(...(JSON.parse(payload.toString()) as LiveReadingsPayload).readings));
    await engine.subscribeAsync(LIVE_READINGS_TOPIC, { qos: 1 });
    const device = await mqtt.connectAsync(mosquitto.url);
    const startMs = Date.now() - 60_000;
    for (let k = 0; k < MESSAGES; k++) {
      await device.publishAsync(meterTopic('m001'), JSON.stringify({ ts: startMs + k * 1000, flow_m3h: 10 + k, quality: 'good', seq: k }), { qos: 1 });
    }
    await pollUntil(() => (seen.length === MESSAGES ? true : undefined), { timeoutMs: 10_000, description: `${MESSAGES} readings on the live topic (seen ${seen.length})` });
    await Promise.all([engine.endAsync(), device.endAsync()]);

    const livePublishers = [...mosquitto.outputTail().matchAll(/Received PUBLISH from (\S+) \([^)]*'live\/v1\/readings'/g)].map((match) => match[1]);
    expect(livePublishers.length).toBeGreaterThan(0);
    expect(new Set(livePublishers)).toEqual(new Set([`${clientId}-live`]));
    expect(seen.map((r) => r.tsMs)).toEqual(Array.from({ length: MESSAGES }, (_, k) => startMs + k * 1000));
  });
});
