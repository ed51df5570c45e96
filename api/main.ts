// The API as its own process (docker-compose): REST, OpenAPI, metrics over the shared store.
import { openStore } from '../core/adapters/open-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { createLogger } from '../core/observability/logger.ts';
import { MetricsRegistry } from '../core/observability/metrics.ts';
import { orExit, runMain } from '../core/runtime/run-main.ts';
import { buildApi } from './build-api.ts';
import { createWaterEngine } from './water/water-engine.ts';

const config = orExit('the API', () => loadConfig());
const logger = createLogger(config.logLevel, 'api');

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  const store = await openStore(config.store);
  started({ name: 'store', stop: () => store.close() });
  const water = createWaterEngine({ store, site, logger: logger.child({ component: 'water' }) });
  await water.start();
  started({ name: 'water', stop: () => water.stop() });
  const api = await buildApi({}, { store, site, water: water.service, registry: new MetricsRegistry(), logger });
  await api.listen({ host: config.http.host, port: config.http.port });
  started({ name: 'api', stop: () => api.close() });
});
