// The API process's components wired together: water engine (rollups, milestones), cleanroom alarm
// manager, live consumer of ingest's normalised topic, the websocket event hub and the HTTP server.
// start() brings them up in dependency order; stop() takes them down in reverse. With auth on, the
// API keys live in their own SQLite file; the first start creates an admin key (initialAdminKey).
import path from 'node:path';
import type { Logger } from 'pino';
import { openAlarmStore } from '../core/adapters/open-store.ts';
import type { AppConfig } from '../core/config/app-config.ts';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import type { MetricsRegistry } from '../core/observability/metrics.ts';
import type { AlarmStore } from '../core/ports/alarm-store.ts';
import type { TelemetryStore } from '../core/ports/telemetry-store.ts';
import type { Api } from './api-type.ts';
import { ensureInitialAdminKey } from './auth/initial-admin-key.ts';
import { openSqliteApiKeyStore, type ApiKeyStore } from './auth/sqlite-api-key-store.ts';
import { buildApi } from './build-api.ts';
import { AlarmManager } from './cleanroom/alarm-manager.ts';
import { transitionJson } from './routes/cleanroom/index.ts';
import { LiveConsumer } from './live/live-consumer.ts';
import { opsRelayClientId } from '../core/domain/mqtt-access/identities.ts';
import { OpsAlarmRelay } from './ops/ops-alarm-relay.ts';
import { EventHub } from './streams/event-hub.ts';
import { FileEventLog } from './streams/file-event-log.ts';
import { GrafanaLivePush } from './streams/grafana-live-push.ts';
import { LiveWater } from './water/live-water.ts';
import { createWaterEngine, type WaterEngine } from './water/water-engine.ts';

export interface ApiServiceOptions {
  readonly config: Pick<AppConfig, 'http' | 'mqtt' | 'store' | 'dataDir' | 'grafana' | 'security'>;
  readonly site: SiteConfig;
  readonly store: TelemetryStore;
  readonly registry: MetricsRegistry;
  readonly logger: Logger;
  /** The broker to read the live topic from (the embedded one's address in npm start). */
  readonly mqttUrl: string;
  readonly clock?: () => number;
  readonly alarmStore?: AlarmStore;
}

export class ApiService {
  private eventLog: FileEventLog | undefined;
  private hub = new EventHub();
  private alarmStore: AlarmStore | undefined;
  private water: WaterEngine | undefined;
  private alarms: AlarmManager | undefined;
  private liveWater: LiveWater | undefined;
  private consumer: LiveConsumer | undefined;
  private opsRelay: OpsAlarmRelay | undefined;
  private api: Api | undefined;
  private grafanaLive: GrafanaLivePush | undefined;
  private apiKeys: ApiKeyStore | undefined;
  private firstAdminKey: { key: string; id: string } | undefined;

  constructor(private readonly options: ApiServiceOptions) {}

  /** Starts everything and listens; resolves with the address. */
  async start(): Promise<string> {
    const { config, site, store, logger, clock } = this.options;
    // Alarm events outlive a restart so clients replay what they missed by last event id.
    this.eventLog = new FileEventLog({ dir: path.join(config.dataDir, 'events') });
    this.eventLog.start();
    this.hub = new EventHub({ persistence: this.eventLog, clock, logger });
    const alarmStore = this.options.alarmStore ?? (await openAlarmStore(config.store));
    this.alarmStore = alarmStore;
    const water = createWaterEngine({ store, site, clock, logger: logger.child({ component: 'water' }), onMilestone: (event) => this.hub.publish('water', 'milestone', event) });
    this.water = water;
    await water.start();
    const grafana = config.grafana;
    this.grafanaLive = grafana && new GrafanaLivePush({ ...grafana, logger: logger.child({ component: 'grafana-live' }) });
    const alarms = new AlarmManager({
      site,
      store: alarmStore,
      clock,
      logger: logger.child({ component: 'alarms' }),
      onChange: (change) => {
        for (const transition of change.transitions) this.hub.publish('alarms', 'transition', transitionJson(transition));
        this.grafanaLive?.push(change);
      },
    });
    this.alarms = alarms;
    await alarms.start();
    this.liveWater = new LiveWater({
      site,
      clock,
      replacementsOf: water.service.sources.replacementsOf,
      onUpdate: (report) => this.hub.publish('water', 'kpis', report),
      onMeterReset: (alarm) => {
        logger.warn(alarm, 'unexplained meter totalizer reset: totals including it are provisional until a replacement is recorded');
        this.hub.publish('alarms', 'meter-reset', alarm);
      },
    });
    this.consumer = new LiveConsumer({
      mqtt: { ...config.mqtt, url: this.options.mqttUrl, clientId: config.mqtt.apiClientId },
      logger: logger.child({ component: 'live' }),
      handlers: [
        { name: 'alarms', durable: true, handle: (readings) => alarms.applySamples(readings.filter((r) => r.kind === 'particle')) },
        { name: 'water', durable: false, handle: (readings) => this.liveWater?.handle(readings) },
        { name: 'samples', durable: false, handle: (readings) => this.publishSamples(readings) },
      ],
    });
    await this.consumer.start();
    this.opsRelay = new OpsAlarmRelay({
      mqtt: { ...config.mqtt, url: this.options.mqttUrl, clientId: opsRelayClientId(config.mqtt.apiClientId) },
      logger: logger.child({ component: 'ops-alarms' }),
      onChange: (alarm) => this.hub.publish('alarms', 'ops', alarm),
    });
    await this.opsRelay.start();
    const { security } = config;
    if (security.auth === 'on') {
      this.apiKeys = openSqliteApiKeyStore(security.keysFile);
      this.firstAdminKey = ensureInitialAdminKey(this.apiKeys, (clock ?? Date.now)());
      if (this.firstAdminKey) logger.warn({ keyId: this.firstAdminKey.id }, 'no API key existed: an admin key was created and is printed once on stdout');
    }
    this.api = await buildApi(
      { security },
      { store, site, water: water.service, alarms, alarmStore, opsAlarms: this.opsRelay, hub: this.hub, registry: this.options.registry, logger: logger.child({ component: 'http' }), clock, apiKeys: this.apiKeys },
    );
    return this.api.listen({ host: config.http.host, port: config.http.port });
  }

  async stop(): Promise<void> {
    await this.api?.close();
    await this.consumer?.stop();
    await this.opsRelay?.stop();
    this.liveWater?.stop();
    await this.alarms?.stop();
    await this.grafanaLive?.stop();
    await this.water?.stop();
    if (!this.options.alarmStore) await this.alarmStore?.close();
    this.apiKeys?.close();
    this.apiKeys = undefined;
    this.eventLog?.stop();
  }

  get server(): Api | undefined {
    return this.api;
  }

  /** The admin key made on this first start, to print once; undefined on every later start. */
  get initialAdminKey(): { key: string; id: string } | undefined {
    return this.firstAdminKey;
  }

  private publishSamples(readings: Parameters<LiveWater['handle']>[0]): void {
    for (const reading of readings) if (reading.kind === 'particle') this.hub.publish(`samples:${reading.roomId}`, 'sample', reading);
  }
}
