// The spine on the embedded pair: Aedes in-process + SQLite file, ingest in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../core/adapters/mqtt/embedded-broker.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { aSiteWithMeters } from '../../fixtures/site.ts';
import { testIngestOptions } from './ingest-fixture.ts';
import { checkStore, publishAll, spineMessages, waitForStoredCounts } from './spine-scenario.ts';

describe('telemetry spine on the embedded pair (Aedes + SQLite)', () => {
  const site = aSiteWithMeters(20);
  let dir: string;
  let broker: EmbeddedBroker;
  let store: TelemetryStore;
  let ingest: IngestService;
  const registry = new MetricsRegistry();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-spine-embedded-'));
    broker = await startEmbeddedBroker({ port: 0 });
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
    ingest = new IngestService(testIngestOptions({ url: broker.url, protocolVersion: 4, dir, site, store, registry, logger: pino({ level: 'silent' }) }));
    await ingest.start();
  });

  afterAll(async () => {
    await ingest?.stop();
    await store?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores exactly the 10,000 valid readings and dead-letters the 1,000 malformed messages with their reasons', async () => {
    await publishAll(broker.url, spineMessages(site, Date.now()));
    await waitForStoredCounts(store, { readings: 10_000, deadLetters: 1_000 });

    const result = await checkStore(store, site);
    expect(result.mismatches).toEqual([]);
    expect(result.readings).toBe(10_000);
    expect(result.deadLetters).toBe(1_000);
    expect(Object.fromEntries(result.reasons)).toEqual({
      invalid_json: 200,
      schema_violation: 300,
      unknown_meter: 100,
      unknown_room: 100,
      future_timestamp: 100,
      payload_too_large: 100,
      invalid_utf8: 100,
    });
    expect(registry.render()).toMatch(/ingest_dead_letters_total\{reason="invalid_json"\} 200/);
  });
});
