// Relays ingest's operational alarms (system/v1/ops-alarms/{source}/{kind}, retained) to the API: keeps
// the current state per source and kind for GET /api/ops/alarms and reports each change (to the
// websocket `alarms` channel as an `ops` event). A clean session of its own: the retained messages
// rebuild the whole state on every (re)connect, so nothing needs persisting here.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { disableNagle } from '../../core/adapters/mqtt/no-delay.ts';
import { cleanSessionOptions, type SessionConfig } from '../../core/adapters/mqtt/session-options.ts';
import { OPS_ALARMS_TOPIC_FILTER } from '../../core/domain/messages/topics.ts';
import { opsAlarmSchema, type OpsAlarm } from '../../core/domain/ops/ops-alarm.ts';

/** What the routes read. */
export interface OpsAlarmBoard {
  /** Active alarms, oldest raise first. */
  active(): OpsAlarm[];
}

export interface OpsAlarmRelayOptions {
  readonly mqtt: Omit<SessionConfig, 'sessionExpirySeconds'> & { readonly url: string };
  readonly logger: Logger;
  readonly onChange: (alarm: OpsAlarm) => void;
  readonly connectTimeoutMs?: number;
}

export class OpsAlarmRelay implements OpsAlarmBoard {
  private client: MqttClient | undefined;
  private readonly state = new Map<string, { alarm: OpsAlarm; json: string }>();

  constructor(private readonly options: OpsAlarmRelayOptions) {}

  async start(): Promise<void> {
    const { mqtt: config, logger } = this.options;
    const client = mqtt.connect(config.url, { ...cleanSessionOptions(config), resubscribe: true });
    this.client = client;
    disableNagle(client);
    client.on('message', (topic, payload) => this.receive(topic, payload));
    client.on('error', (error) => logger.warn({ err: error }, 'ops alarm relay mqtt error'));
    const timeoutMs = this.options.connectTimeoutMs ?? 15_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ops alarm relay: no connection to ${config.url} within ${timeoutMs} ms`)), timeoutMs);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.subscribeAsync(OPS_ALARMS_TOPIC_FILTER, { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = undefined;
  }

  active(): OpsAlarm[] {
    return this.all().filter((a) => a.active);
  }

  /** Every state heard, cleared ones too, oldest raise first. */
  all(): OpsAlarm[] {
    return [...this.state.values()].map((s) => s.alarm).sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  }

  private receive(topic: string, payload: Buffer): void {
    const key = topic.split('/').slice(-2).join('/');
    if (payload.length === 0) {
      this.state.delete(key);
      return;
    }
    const alarm = parseAlarm(payload);
    if (!alarm || !key.endsWith(`/${alarm.kind}`)) {
      this.options.logger.warn({ topic }, 'unreadable ops alarm message skipped');
      return;
    }
    const json = JSON.stringify(alarm);
    // A reconnect delivers every retained state again: only a real change is announced.
    const known = this.state.get(key);
    if (known?.json === json) return;
    this.state.set(key, { alarm, json });
    // Nor is a cleared state never seen active (what an earlier episode left retained).
    if (!known && !alarm.active) return;
    this.options.logger[alarm.active ? 'warn' : 'info']({ kind: alarm.kind, source: alarm.source, active: alarm.active, detail: alarm.detail }, 'ops alarm relayed');
    try {
      this.options.onChange(alarm);
    } catch (error) {
      this.options.logger.error({ err: error }, 'ops alarm listener failed');
    }
  }
}

function parseAlarm(payload: Buffer): OpsAlarm | undefined {
  try {
    const parsed = opsAlarmSchema.safeParse(JSON.parse(payload.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
