// Ingest as its own process (docker-compose, fault tests): MQTT → journal → store, with /health,
// /metrics and the operational alarms (/ops) on INGEST_HTTP_PORT.
import { createServer } from 'node:http';
import { openStore } from '../core/adapters/open-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { createLogger } from '../core/observability/logger.ts';
import { MetricsRegistry } from '../core/observability/metrics.ts';
import { orExit, runMain } from '../core/runtime/run-main.ts';
import { IngestService } from './ingest-service.ts';
import { ingestHttpHandler } from './ops/ingest-http.ts';

const config = orExit('ingest', () => loadConfig());
const logger = createLogger(config.logLevel, 'ingest');

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  const store = await openStore(config.store);
  started({ name: 'store', stop: () => store.close() });
  const registry = new MetricsRegistry();
  const ingest = new IngestService({ ...config, site, store, registry, logger });
  await ingest.start();
  started({ name: 'ingest', stop: () => ingest.stop() });

  const server = createServer(ingestHttpHandler({ registry, ops: () => ingest.ops }));
  await new Promise<void>((resolve) => server.listen(config.ingestHttpPort, config.http.host, resolve));
  started({ name: 'http', stop: () => new Promise((resolve) => server.close(() => resolve())) });
  logger.info({ mqtt: config.mqtt.url, store: config.store.kind, metrics: `http://${config.http.host}:${config.ingestHttpPort}/metrics` }, 'ingest running');
});
