// Replaying dead letters after the cause is fixed: a meter unknown at first is added to the site
// configuration, ingest restarts with it, and the replay turns the letter into a stored reading.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../core/adapters/mqtt/embedded-broker.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { siteSchema } from '../../../core/domain/site/site-schema.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { replayDeadLetters } from '../../../ingest/dead-letter-replay.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { k14Site } from '../../fixtures/site.ts';
import { testIngestOptions } from './ingest-fixture.ts';

describe('dead-letter replay', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let store: TelemetryStore;
  const ts = Date.UTC(2026, 5, 1);
  const range = { fromMs: ts - 1000, toMs: ts + 1000 };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-replay-'));
    broker = await startEmbeddedBroker({ port: 0 });
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
  });
  afterAll(async () => {
    await store?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const runIngest = async (site: ReturnType<typeof k14Site>) => {
    const ingest = new IngestService(testIngestOptions({ url: broker.url, protocolVersion: 4, dir, site, store, registry: new MetricsRegistry(), logger: pino({ level: 'silent' }), clientId: 'replay-ingest' }));
    await ingest.start();
    return ingest;
  };

  it('turns an unknown-meter letter into a reading once the meter is configured, and marks it replayed', async () => {
    const before = k14Site();
    let ingest = await runIngest(before);
    const device = await mqtt.connectAsync(broker.url);
    await device.publishAsync('k14/meter/rec-z3', JSON.stringify({ ts, flow_m3h: 42.5, totalizer_m3: 10 }), { qos: 1 });
    await device.endAsync();
    const [letter] = await pollUntil(async () => {
      const letters = await store.listDeadLetters({ reason: 'unknown_meter' });
      return letters.length ? letters : undefined;
    }, { description: 'the unknown-meter dead letter', timeoutMs: 10_000 });
    expect(letter!.topic).toBe('k14/meter/rec-z3');
    await ingest.stop();

    const after = siteSchema.parse({ ...before, meters: [...before.meters, { id: 'rec-z3', role: 'recycled', zone: 'zone2', hasTotalizer: true }] });
    ingest = await runIngest(after);
    const client = await mqtt.connectAsync(broker.url);
    const outcome = await replayDeadLetters({ client, store, reason: 'unknown_meter' });
    await client.endAsync();
    expect(outcome).toEqual({ replayed: 1, skippedTruncated: 0 });

    const readings = await pollUntil(async () => {
      const stored = await store.readMeterReadings('rec-z3', range);
      return stored.length ? stored : undefined;
    }, { description: 'the replayed reading', timeoutMs: 10_000 });
    expect(readings).toMatchObject([{ meterId: 'rec-z3', role: 'recycled', zone: 'zone2', tsMs: ts, flowM3PerHour: 42.5, totalizerM3: 10 }]);
    expect(await store.listDeadLetters({ status: 'pending' })).toEqual([]);
    expect((await store.listDeadLetters({ status: 'replayed' })).map((l) => l.id)).toEqual([letter!.id]);
    await ingest.stop();
  });
});
