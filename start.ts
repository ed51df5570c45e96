// The embedded default: broker (Aedes), SQLite store, ingest, API and the live simulator in one
// process. MQTT_URL / INFLUX_URL switch to external services; SIMULATOR=off leaves the simulator out.
// The embedded broker asks every client to log in (one identity per device and service, passwords in
// DATA_DIR/mqtt); the in-process ingest, API and simulator log in as their own identities.
import type { TelemetryStore } from './core/ports/telemetry-store.ts';
import { startEmbeddedBroker } from './core/adapters/mqtt/embedded-broker.ts';
import { embeddedCredentialsNotice, mqttAuthOffNotice, provisionEmbeddedCredentials, type EmbeddedCredentials } from './core/adapters/mqtt/embedded-credentials.ts';
import { readPemFile } from './core/adapters/mqtt/pem-file.ts';
import { openStore } from './core/adapters/open-store.ts';
import { loadConfig, type AppConfig, type EmbeddedMqttConfig } from './core/config/app-config.ts';
import { loadSiteConfig } from './core/config/load-site.ts';
import { identitiesFor, reservedServiceClientIds, SERVICE_USERNAMES } from './core/domain/mqtt-access/identities.ts';
import type { SiteConfig } from './core/domain/site/site-schema.ts';
import { createLogger } from './core/observability/logger.ts';
import { MetricsRegistry } from './core/observability/metrics.ts';
import { orExit, runMain } from './core/runtime/run-main.ts';
import { ApiService } from './api/api-service.ts';
import { authOffNotice, initialAdminKeyNotice } from './api/auth/initial-admin-key.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { Simulator, simulatorOptions } from './simulators/simulator.ts';

const config = orExit('K14 telemetry', () => loadConfig());
const logger = createLogger(config.logLevel, 'k14');

/** A client's broker login: its own identity on the embedded broker, MQTT_USERNAME/MQTT_PASSWORD on an external one. */
type LoginOf = (username: string) => { username?: string; password?: string };

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  let mqttUrl = config.mqtt.url;
  let brokerLine = mqttUrl;
  let loginOf: LoginOf = () => ({ username: config.mqtt.username, password: config.mqtt.password });
  const notices: string[] = [];
  if (config.mqtt.mode === 'embedded') {
    const embedded = await startBroker(config.mqtt, site);
    mqttUrl = embedded.url;
    brokerLine = embedded.describe;
    started({ name: 'broker', stop: () => embedded.stop() });
    const { credentials } = embedded;
    if (credentials) {
      loginOf = (username) => ({ username, password: credentials.passwordOf(username) });
      if (credentials.added.length > 0) notices.push(embeddedCredentialsNotice(credentials));
    } else {
      logger.warn({ url: mqttUrl }, 'MQTT_AUTH=off: the embedded broker takes anonymous clients; anyone who reaches it can publish readings');
      notices.push(mqttAuthOffNotice(mqttUrl));
    }
  }
  const store = await openStore(config.store);
  started({ name: 'store', stop: () => store.close() });

  const registry = new MetricsRegistry();
  const ingestMqtt = { ...config.mqtt, url: mqttUrl, ...loginOf(SERVICE_USERNAMES.ingest) };
  const ingest = new IngestService({ ...config, mqtt: ingestMqtt, site, store, registry, logger: logger.child({ component: 'ingest' }) });
  await ingest.start();
  started({ name: 'ingest', stop: () => ingest.stop() });

  const apiConfig: AppConfig = { ...config, mqtt: { ...config.mqtt, ...loginOf(SERVICE_USERNAMES.api) } };
  const api = new ApiService({ config: apiConfig, site, store, registry, logger: logger.child({ component: 'api' }), mqttUrl });
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
      ...loginOf(SERVICE_USERNAMES.simulator),
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
      `  MQTT broker  ${brokerLine}`,
      `  store        ${config.store.kind === 'sqlite' ? config.store.file : config.store.url}`,
      `  simulator    ${config.simulator.enabled ? 'on (SIMULATOR=off to leave it out)' : 'off'}`,
      `  API keys     ${config.security.auth === 'on' ? `required (npm run api-keys -- list; ${config.security.keysFile})` : 'OFF (AUTH=off)'}`,
      '',
    ].join('\n'),
  );
  const firstKey = api.initialAdminKey;
  if (firstKey) process.stdout.write(initialAdminKeyNotice(firstKey.key, firstKey.id));
  if (config.security.auth === 'off') process.stdout.write(authOffNotice(address));
  for (const notice of notices) process.stdout.write(notice);
});

interface StartedBroker {
  readonly url: string;
  /** The banner's broker line. */
  readonly describe: string;
  /** Absent with MQTT_AUTH=off. */
  readonly credentials?: EmbeddedCredentials;
  stop(): Promise<void>;
}

/** The embedded broker, with a login per identity (unless MQTT_AUTH=off) and the TLS listener when configured. */
async function startBroker(mqtt: EmbeddedMqttConfig, site: SiteConfig): Promise<StartedBroker> {
  const credentials =
    mqtt.auth === 'on'
      ? provisionEmbeddedCredentials({
          dir: mqtt.credentialsDir,
          identities: identitiesFor(site),
          siteConfigFile: config.siteConfigFile,
          reservedClientIds: reservedServiceClientIds({ ingest: config.mqtt.clientId, api: config.mqtt.apiClientId }),
        })
      : undefined;
  const tls = mqtt.tls && {
    port: mqtt.tls.port,
    host: mqtt.tls.host,
    cert: readPemFile(mqtt.tls.certFile, 'MQTT TLS certificate'),
    key: readPemFile(mqtt.tls.keyFile, 'MQTT TLS key'),
  };
  const broker = await startEmbeddedBroker({ port: mqtt.port, host: mqtt.host, access: credentials?.access, tls, logger: logger.child({ component: 'broker' }) }).catch((error: Error) => {
    const where = tls ? `${mqtt.host}:${mqtt.port} or ${tls.host}:${tls.port}` : `${mqtt.host}:${mqtt.port}`;
    throw new Error(`the embedded MQTT broker cannot listen on ${where} (${error.message}): set MQTT_PORT${tls ? ' / MQTT_TLS_PORT' : ''} to a free port`);
  });
  const auth = credentials ? `logins in ${credentials.credentialsFile}` : 'NO LOGIN (MQTT_AUTH=off)';
  return {
    url: broker.url,
    describe: `${broker.url}${broker.tlsUrl ? ` and ${broker.tlsUrl}` : ''} (embedded, ${auth})`,
    ...(credentials ? { credentials } : {}),
    stop: () => broker.stop(),
  };
}

/** The simulated meters carry on from the totalizers already stored (a backfill, an earlier run), as real meters would. */
async function lastTotalizers(store: TelemetryStore): Promise<Map<string, number> | undefined> {
  const totals = new Map((await store.latestReadings()).flatMap((r) => (r.kind === 'meter' && r.totalizerM3 !== undefined ? [[r.meterId, r.totalizerM3] as const] : [])));
  return totals.size ? totals : undefined;
}
