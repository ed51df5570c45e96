// One fault scenario's world: a real Mosquitto (persistence on unless asked) and a real InfluxDB from
// test/harness, a fault proxy in front of each on ingest's path, a site with N synthetic meters, and
// ingest / API child processes configured by environment variables as in production.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInfluxStore } from '../../../core/adapters/influx/influx-store.ts';
import { siteSchema, type SiteConfig } from '../../../core/domain/site/site-schema.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { aSiteWithMeters } from '../../fixtures/site.ts';
import { freePort } from '../../harness/free-port.ts';
import { startInfluxd, type RunningInfluxd } from '../../harness/influxd.ts';
import { startMosquitto, type RunningMosquitto } from '../../harness/mosquitto.ts';
import { INGEST_NODE_FLAGS } from '../../../ingest/node-flags.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { NodeService } from './node-service.ts';

export interface FaultEnvOptions {
  readonly meters: number;
  /** Mosquitto persistence (default true). */
  readonly persistence?: boolean;
  readonly database?: string;
}

export interface FaultEnv {
  readonly dir: string;
  readonly site: SiteConfig;
  readonly siteFile: string;
  readonly meterIds: readonly string[];
  readonly mosquitto: RunningMosquitto;
  readonly influxd: RunningInfluxd;
  /** ingest → proxy → Mosquitto */
  readonly mqttProxy: FaultProxy;
  /** ingest → proxy → InfluxDB (its v2-write proxy) */
  readonly influxProxy: FaultProxy;
  readonly database: string;
  /** The checker's own store client: straight to InfluxDB, never through the fault proxy. */
  readonly store: TelemetryStore;
  /** An ingest process; call start()/spawn() on it. Env overrides win over the defaults. */
  ingest(overrides?: Record<string, string>): Promise<IngestHandle>;
  api(overrides?: Record<string, string>): Promise<NodeService & { readonly baseUrl: string }>;
  /** The recent output of every ingest and API process started, for a failure's message. */
  serviceOutput(): string;
  stop(): Promise<void>;
}

export interface IngestHandle extends NodeService {
  readonly metricsUrl: string;
  readonly opsUrl: string;
  readonly dataDir: string;
}

export async function startFaultEnv(options: FaultEnvOptions): Promise<FaultEnv> {
  const dir = mkdtempSync(path.join(tmpdir(), 'k14-faults-'));
  const database = options.database ?? 'k14_faults';
  const site = faultSite(options.meters);
  const siteFile = path.join(dir, 'site.json');
  writeFileSync(siteFile, JSON.stringify(site));
  const [mosquitto, influxd] = await Promise.all([startMosquitto({ persistence: options.persistence ?? true, extraConfig: 'autosave_interval 1' }), startInfluxd({ database })]);
  const influxPort = Number(new URL(influxd.url).port);
  const [mqttProxy, influxProxy] = await Promise.all([startFaultProxy({ targetPort: mosquitto.port }), startFaultProxy({ targetPort: influxPort })]);
  const store = createInfluxStore({ url: influxd.url, bucket: database });
  await store.start();
  const services: NodeService[] = [];
  const baseEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MQTT_URL: `mqtt://127.0.0.1:${mqttProxy.port}`,
    INFLUX_URL: `http://127.0.0.1:${influxProxy.port}`,
    INFLUX_BUCKET: database,
    SITE_CONFIG: siteFile,
    LOG_LEVEL: 'warn',
  });
  let ingests = 0;
  return {
    dir,
    site,
    siteFile,
    meterIds: site.meters.map((m) => m.id),
    mosquitto,
    influxd,
    mqttProxy,
    influxProxy,
    database,
    store,
    async ingest(overrides = {}) {
      const port = await freePort();
      const dataDir = path.join(dir, `ingest-${++ingests}`);
      const env = { ...baseEnv(), MQTT_CLIENT_ID: `fault-ingest-${ingests}`, DATA_DIR: dataDir, INGEST_HTTP_PORT: String(port), ...overrides };
      const service = new NodeService({ name: 'ingest', entry: 'ingest/main.ts', nodeFlags: INGEST_NODE_FLAGS, env, readyUrl: `http://127.0.0.1:${port}/health`, echo: process.env.FAULTS_ECHO === '1' });
      services.push(service);
      return Object.assign(service, { metricsUrl: `http://127.0.0.1:${port}/metrics`, opsUrl: `http://127.0.0.1:${port}/ops`, dataDir });
    },
    async api(overrides = {}) {
      const port = await freePort();
      const env = { ...baseEnv(), INFLUX_URL: influxd.url, DATA_DIR: path.join(dir, 'api'), HTTP_PORT: String(port), AUTH: 'off', API_MQTT_CLIENT_ID: 'fault-api', ...overrides };
      const baseUrl = `http://127.0.0.1:${port}`;
      const service = new NodeService({ name: 'api', entry: 'api/main.ts', env, readyUrl: `${baseUrl}/health`, echo: process.env.FAULTS_ECHO === '1' });
      services.push(service);
      return Object.assign(service, { baseUrl });
    },
    serviceOutput() {
      return services.map((s, i) => `── ${i + 1}. ${s.options.name} ──\n${s.outputTail() || '(no output)'}`).join('\n');
    },
    async stop() {
      await Promise.all(services.map((s) => s.stop()));
      await store.close().catch(() => {});
      await Promise.all([mqttProxy.stop(), influxProxy.stop()]);
      await Promise.all([mosquitto.stop(), influxd.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** N synthetic meters, commissioned yesterday so the API's tonnage covers only this run's readings. */
function faultSite(meters: number): SiteConfig {
  const base = aSiteWithMeters(meters);
  const yesterday = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000).toISOString();
  return siteSchema.parse({ ...base, commissionedAt: yesterday });
}
