// The load generator: publishes a LoadPlan at QoS 1 at a set rate, like a fleet of devices, and
// records in the ledger every message the broker acknowledged. A device resends until acknowledged
// (mqtt.js keeps unacknowledged QoS 1 publishes and resends them after a reconnect).
import mqtt, { type MqttClient } from 'mqtt';
import type { Ledger, LoadPlan } from './ledger.ts';
import { payloadOf, topicOf } from './ledger.ts';

const RETRY_MS = 250;

export interface PublishOptions {
  readonly url: string;
  readonly plan: LoadPlan;
  readonly ledger: Ledger;
  /** Messages per second; Infinity publishes as fast as the window allows. */
  readonly ratePerSecond: number;
  /** Plan indices [from, to); default the whole plan. */
  readonly from?: number;
  readonly to?: number;
  readonly maxInFlight?: number;
  /** Called after each message is handed to the client (not yet acknowledged). */
  readonly onSent?: (sent: number) => void;
  readonly signal?: AbortSignal;
}

export interface PublishResult {
  readonly published: number;
  readonly elapsedMs: number;
  readonly retries: number;
  readonly achievedRatePerSecond: number;
}

export class LoadPublisher {
  private constructor(private readonly client: MqttClient) {}

  static async connect(url: string, clientId = `fault-load-${process.pid}-${Date.now()}`): Promise<LoadPublisher> {
    const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 200, connectTimeout: 5_000, protocolVersion: 5 });
    client.on('error', () => {});
    return new LoadPublisher(client);
  }

  async publish(options: PublishOptions): Promise<PublishResult> {
    const { plan, ledger, ratePerSecond } = options;
    const from = options.from ?? 0;
    const to = options.to ?? plan.size;
    const maxInFlight = options.maxInFlight ?? 500;
    const inFlight = new Set<Promise<void>>();
    const started = Date.now();
    let retries = 0;
    let sent = 0;
    const sendOne = async (index: number): Promise<void> => {
      const message = plan.at(index);
      const payload = payloadOf(message);
      for (;;) {
        try {
          await this.client.publishAsync(topicOf(message), payload, { qos: 1 });
          ledger.record(message);
          return;
        } catch {
          if (options.signal?.aborted) return;
          retries++;
          await sleep(RETRY_MS);
        }
      }
    };
    for (let i = from; i < to; i++) {
      if (options.signal?.aborted) break;
      const dueAt = started + ((i - from) * 1000) / ratePerSecond;
      const wait = dueAt - Date.now();
      if (wait > 2) await sleep(wait);
      const p: Promise<void> = sendOne(i).finally(() => inFlight.delete(p));
      inFlight.add(p);
      sent++;
      options.onSent?.(sent);
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const elapsedMs = Date.now() - started;
    return { published: sent, elapsedMs, retries, achievedRatePerSecond: Math.round((sent * 1000) / Math.max(1, elapsedMs)) };
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
