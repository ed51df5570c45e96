// Ingest as one long-lived component: MQTT intake → journal → (store writer, live publisher).
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { JournalConfig, WriterConfig } from '../core/config/app-config.ts';
import { deadLetterIdSource } from '../core/domain/dead-letter.ts';
import type { ValidationLimits } from '../core/domain/messages/validate-message.ts';
import { COUNTER_TOPIC_FILTER, METER_TOPIC_FILTER } from '../core/domain/messages/topics.ts';
import { livePublisherClientId } from '../core/domain/mqtt-access/identities.ts';
import { indexSite, type SiteConfig } from '../core/domain/site/site-schema.ts';
import { disableNagle } from '../core/adapters/mqtt/no-delay.ts';
import { cleanSessionOptions, persistentSessionOptions, type SessionConfig } from '../core/adapters/mqtt/session-options.ts';
import type { MetricsRegistry } from '../core/observability/metrics.ts';
import type { TelemetryStore } from '../core/ports/telemetry-store.ts';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.ts';
import { CursorDrainer } from './journal/cursor-drainer.ts';
import { Journal } from './journal/journal.ts';
import { livePublisherSink } from './live-publisher.ts';
import { installIntake, type Intake } from './mqtt-intake.ts';
import { DEFAULT_OPS_CONFIG, OpsMonitor, type OpsConfig } from './ops/ops-monitor.ts';
import { storeSink } from './store-writer.ts';

/**
 * Readings per live publish. One publish is in flight at a time, so under a flood this caps the live
 * path at a batch per PUBACK round trip: with 500, the live cursor fell out of the journal's in-memory
 * window and read 57–84 % of a 200,000-message flood back from the file (decoding it again); with
 * 2,000 it read none. (Flood throughput moved within this machine's noise: 24–34 k against 23–30 k msg/s.)
 */
const LIVE_BATCH_MAX = 2_000;

export interface IngestOptions {
  readonly mqtt: SessionConfig & { readonly url: string; readonly shareGroup?: string };
  readonly journal: JournalConfig;
  readonly writer: WriterConfig;
  readonly validation: ValidationLimits;
  readonly site: SiteConfig;
  readonly store: TelemetryStore;
  readonly registry: MetricsRegistry;
  readonly logger: Logger;
  /** Republish validated readings for the engines (default true). */
  readonly livePublish?: boolean;
  readonly clock?: () => number;
  readonly connectTimeoutMs?: number;
  /** Operational alarms (store backlog, session lost, seq gaps); defaults: DEFAULT_OPS_CONFIG. */
  readonly ops?: OpsConfig;
}

export class IngestService {
  private readonly metrics: IngestMetrics;
  private journal: Journal | undefined;
  private client: MqttClient | undefined;
  private liveClient: MqttClient | undefined;
  private intake: Intake | undefined;
  private drainers: CursorDrainer[] = [];
  /** Operational alarms and seq-gap counts (GET /ops on ingest's HTTP port). */
  readonly ops: OpsMonitor;

  constructor(private readonly options: IngestOptions) {
    this.metrics = createIngestMetrics(options.registry);
    const clock = options.clock ?? Date.now;
    this.ops = new OpsMonitor({ source: options.mqtt.clientId, config: options.ops ?? DEFAULT_OPS_CONFIG, registry: options.registry, logger: options.logger, clock });
  }

  async start(): Promise<void> {
    const { options, metrics } = this;
    const clock = options.clock ?? Date.now;
    const logger = options.logger;
    const livePublish = options.livePublish ?? true;
    const journal = Journal.open({ ...options.journal, cursorNames: livePublish ? ['store', 'live'] : ['store'] });
    this.journal = journal;

    const client = mqtt.connect(options.mqtt.url, persistentSessionOptions(options.mqtt));
    this.client = client;
    disableNagle(client);
    const nextDeadLetterId = deadLetterIdSource();
    this.intake = installIntake({ client, journal, site: indexSite(options.site), limits: options.validation, clock, nextDeadLetterId, metrics, logger, onAppended: (records) => this.ops.observeRecords(records) });
    this.watchSession(client);

    const storeWriter = new CursorDrainer({
      journal,
      cursorName: 'store',
      sink: storeSink({ store: options.store, metrics, clock }),
      ...options.writer,
      logger,
      onFailure: () => metrics.writeFailures.inc(),
    });
    this.drainers = [storeWriter];
    if (livePublish) {
      const liveClient = this.connectLivePublisher();
      this.drainers.push(new CursorDrainer({ journal, cursorName: 'live', sink: livePublisherSink(liveClient, metrics), batchMax: LIVE_BATCH_MAX, flushMs: 0, logger }));
    }
    this.registerGauges(journal, storeWriter, clock);
    this.ops.start({
      oldestPendingAt: () => storeWriter.oldestPendingReceivedAt,
      publish: (topic, payload) =>
        client.publish(topic, payload, { qos: 1, retain: true }, (error) => {
          if (error) logger.warn({ err: error, topic }, 'ops alarm not published');
        }),
    });
    for (const drainer of this.drainers) drainer.start();
    await waitForConnect(client, options.mqtt.url, options.connectTimeoutMs ?? 15_000);
    logger.info({ url: options.mqtt.url, clientId: options.mqtt.clientId }, 'ingest connected');
  }

  /** Stops acknowledging, drains the journal into the store (up to drainTimeoutMs), then closes. */
  async stop(drainTimeoutMs = 20_000): Promise<void> {
    this.intake?.close();
    this.ops.stop();
    await Promise.all(this.drainers.map((d) => d.stop(drainTimeoutMs)));
    await this.client?.endAsync(true);
    await this.liveClient?.endAsync(true);
    this.journal?.close();
    this.drainers = [];
    this.client = undefined;
    this.liveClient = undefined;
    this.journal = undefined;
  }

  /**
   * The live republish gets a connection of its own. On the intake's, a live publish's PUBACK came
   * back behind the inbound traffic: 0.1–1.7 s while flooded (2–200 ms on its own connection), and
   * the live cursor fell out of the in-memory window and read the flood back from the journal file.
   * No session is kept: the live cursor redelivers whatever was not acknowledged. One publish at a
   * time (four in flight read less back from the file in two flood runs): were a later batch to go
   * through after an earlier one failed, the engines would take the retried, older samples for
   * redeliveries and ignore them.
   */
  private connectLivePublisher(): MqttClient {
    const { mqtt: mqttOptions, logger } = this.options;
    const liveClient = mqtt.connect(mqttOptions.url, cleanSessionOptions({ ...mqttOptions, clientId: livePublisherClientId(mqttOptions.clientId) }));
    disableNagle(liveClient);
    liveClient.on('error', (error) => logger.warn({ err: error }, 'mqtt error on the live republish connection'));
    this.liveClient = liveClient;
    return liveClient;
  }

  private watchSession(client: MqttClient): void {
    const { mqtt: mqttOptions } = this.options;
    const filters = [METER_TOPIC_FILTER, COUNTER_TOPIC_FILTER].map((f) => (mqttOptions.shareGroup ? `$share/${mqttOptions.shareGroup}/${f}` : f));
    let connectedBefore = false;
    client.on('connect', (connack) => {
      this.ops.onConnack(connack.sessionPresent === true);
      if (!connack.sessionPresent) {
        if (connectedBefore) {
          this.metrics.sessionLost.inc();
          this.options.logger.error({ url: mqttOptions.url }, 'broker lost the ingest session: messages queued for it are gone; resubscribing');
        }
        client.subscribe(filters, { qos: 1 }, (error) => {
          if (error) this.options.logger.error({ err: error }, 'subscribe failed');
        });
      }
      connectedBefore = true;
    });
    client.on('error', (error) => this.options.logger.warn({ err: error }, 'mqtt error'));
  }

  private registerGauges(journal: Journal, storeWriter: CursorDrainer, clock: () => number): void {
    const { registry } = this.options;
    registry.gauge('ingest_journal_pending_bytes', 'Journal bytes not yet consumed by every cursor', () => this.journal?.pendingBytes ?? 0);
    registry.gauge('ingest_store_backlog_bytes', 'Journal bytes not yet written to the store', () => (this.journal ? storeWriter.lagBytes : 0));
    registry.gauge('ingest_oldest_unwritten_age_seconds', 'Age of the oldest reading not yet in the store', () => {
      const at = storeWriter.oldestPendingReceivedAt;
      return at === undefined ? 0 : Math.max(0, (clock() - at) / 1000);
    });
    registry.gauge('ingest_journal_full', '1 while acknowledgements are paused because the journal is full', () => (journal.hasSpace() ? 0 : 1));
    registry.gauge('ingest_mqtt_connected', '1 while connected to the broker', () => (this.client?.connected ? 1 : 0));
  }
}

function waitForConnect(client: MqttClient, url: string, timeoutMs: number): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('connect', onConnect);
      reject(new Error(`cannot reach the MQTT broker at ${url} within ${timeoutMs} ms: check MQTT_URL and that the broker runs`));
    }, timeoutMs);
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('connect', onConnect);
  });
}
