// Ingest as its own process (docker-compose, fault tests): MQTT → journal → store, with /health and
// /metrics on INGEST_HTTP_PORT.
import { createServer } from 'node:http';
import { openStore } from '../core/adapters/open-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { createLogger } from '../core/observability/logger.ts';
import { MetricsRegistry } from '../core/observability/metrics.ts';
import { orExit, runMain } from '../core/runtime/run-main.ts';
import { IngestService } from './ingest-service.ts';

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

  const server = createServer((request, response) => {
    if (request.url === '/metrics') response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(registry.render());
    else if (request.url === '/health') response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(config.ingestHttpPort, config.http.host, resolve));
  started({ name: 'http', stop: () => new Promise((resolve) => server.close(() => resolve())) });
  logger.info({ mqtt: config.mqtt.url, store: config.store.kind, metrics: `http://${config.http.host}:${config.ingestHttpPort}/metrics` }, 'ingest running');
});
