// The API as its own process (docker-compose): REST, OpenAPI, metrics over the shared store.
import { openStore } from '../core/adapters/open-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { createLogger } from '../core/observability/logger.ts';
import { MetricsRegistry } from '../core/observability/metrics.ts';
import { orExit, runMain } from '../core/runtime/run-main.ts';
import { ApiService } from './api-service.ts';
import { authOffNotice, initialAdminKeyNotice } from './auth/initial-admin-key.ts';

const config = orExit('the API', () => loadConfig());
const logger = createLogger(config.logLevel, 'api');

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  const store = await openStore(config.store);
  started({ name: 'store', stop: () => store.close() });
  const api = new ApiService({ config, site, store, registry: new MetricsRegistry(), logger, mqttUrl: config.mqtt.url });
  started({ name: 'api', stop: () => api.stop() });
  const address = await api.start();
  logger.info({ address, auth: config.security.auth }, 'api listening');
  const firstKey = api.initialAdminKey;
  if (firstKey) process.stdout.write(initialAdminKeyNotice(firstKey.key, firstKey.id));
  if (config.security.auth === 'off') process.stdout.write(authOffNotice(address));
});
