// The embedded default: broker (Aedes), SQLite store, ingest, API and the live simulator in one
// process. MQTT_URL / INFLUX_URL switch to external services; SIMULATOR=off leaves the simulator out.
import type { TelemetryStore } from './core/ports/telemetry-store.ts';
import { startEmbeddedBroker } from './core/adapters/mqtt/embedded-broker.ts';
import { openStore } from './core/adapters/open-store.ts';
import { loadConfig } from './core/config/app-config.ts';
import { loadSiteConfig } from './core/config/load-site.ts';
import { createLogger } from './core/observability/logger.ts';
import { MetricsRegistry } from './core/observability/metrics.ts';
import { orExit, runMain } from './core/runtime/run-main.ts';
import { ApiService } from './api/api-service.ts';
import { authOffNotice, initialAdminKeyNotice } from './api/auth/initial-admin-key.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { Simulator, simulatorOptions } from './simulators/simulator.ts';

const config = orExit('K14 telemetry', () => loadConfig());
const logger = createLogger(config.logLevel, 'k14');

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  let mqttUrl = config.mqtt.url;
  if (config.mqtt.mode === 'embedded') {
    const { port } = config.mqtt;
    const broker = await startEmbeddedBroker({ port }).catch((error: Error) => {
      throw new Error(`the embedded MQTT broker cannot listen on port ${port} (${error.message}): set MQTT_PORT to a free port`);
    });
    mqttUrl = broker.url;
    started({ name: 'broker', stop: () => broker.stop() });
  }
  const store = await openStore(config.store);
  started({ name: 'store', stop: () => store.close() });

  const registry = new MetricsRegistry();
  const ingest = new IngestService({ ...config, mqtt: { ...config.mqtt, url: mqttUrl }, site, store, registry, logger: logger.child({ component: 'ingest' }) });
  await ingest.start();
  started({ name: 'ingest', stop: () => ingest.stop() });

  const api = new ApiService({ config, site, store, registry, logger: logger.child({ component: 'api' }), mqttUrl });
  started({ name: 'api', stop: () => api.stop() });
  const address = await api.start().catch((error: Error) => {
    throw new Error(`the API cannot start on ${config.http.host}:${config.http.port} (${error.message}): set HTTP_PORT to a free port`);
  });

  if (config.simulator.enabled) {
    const simulator = new Simulator({
      url: mqttUrl,
      site,
      ...simulatorOptions(config.simulator),
      initialTotalizersM3: await lastTotalizers(store),
      logger: logger.child({ component: 'simulator' }),
    });
    await simulator.start();
    started({ name: 'simulator', stop: () => simulator.stop() });
  }
  process.stdout.write(
    [
      '',
      'K14 telemetry is running.',
      `  API          ${address}  (OpenAPI ${address}/openapi.json, metrics ${address}/metrics)`,
      `  latest data  ${address}/api/readings/latest`,
      `  MQTT broker  ${mqttUrl}${config.mqtt.mode === 'embedded' ? ' (embedded)' : ''}`,
      `  store        ${config.store.kind === 'sqlite' ? config.store.file : config.store.url}`,
      `  simulator    ${config.simulator.enabled ? 'on (SIMULATOR=off to leave it out)' : 'off'}`,
      `  API keys     ${config.security.auth === 'on' ? `required (npm run api-keys -- list; ${config.security.keysFile})` : 'OFF (AUTH=off)'}`,
      '',
    ].join('\n'),
  );
  const firstKey = api.initialAdminKey;
  if (firstKey) process.stdout.write(initialAdminKeyNotice(firstKey.key, firstKey.id));
  if (config.security.auth === 'off') process.stdout.write(authOffNotice(address));
});

/** The simulated meters carry on from the totalizers already stored (a backfill, an earlier run), as real meters would. */
async function lastTotalizers(store: TelemetryStore): Promise<Map<string, number> | undefined> {
  const totals = new Map((await store.latestReadings()).flatMap((r) => (r.kind === 'meter' && r.totalizerM3 !== undefined ? [[r.meterId, r.totalizerM3] as const] : [])));
  return totals.size ? totals : undefined;
}
