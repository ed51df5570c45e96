// IngestService options for tests: a temp journal, small batches, fast flushes.
import path from 'node:path';
import type { Logger } from 'pino';
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import type { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import type { IngestOptions } from '../../../ingest/ingest-service.ts';

export function testIngestOptions(o: {
  url: string;
  protocolVersion: 4 | 5;
  dir: string;
  site: SiteConfig;
  store: TelemetryStore;
  registry: MetricsRegistry;
  logger: Logger;
  clientId?: string;
}): IngestOptions {
  return {
    mqtt: { url: o.url, clientId: o.clientId ?? `ingest-test-${process.pid}-${Date.now()}`, protocolVersion: o.protocolVersion, sessionExpirySeconds: 3600 },
    journal: { dir: path.join(o.dir, 'journal'), maxBytes: 256 * 1024 * 1024, segmentBytes: 4 * 1024 * 1024, fsync: 'interval', fsyncIntervalMs: 1000 },
    writer: { batchMax: 2000, flushMs: 20, maxInFlight: 4 },
    validation: { maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 5 * 60_000 },
    site: o.site,
    store: o.store,
    registry: o.registry,
    logger: o.logger,
  };
}
