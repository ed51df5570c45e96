// The engines' input: ingest's normalised live topic, read over a persistent MQTT session so every
// reading reaches the engines once and in order across restarts. The PUBACK goes only after every
// durable handler (the alarm manager) has persisted its effects; a failing handler is retried, a
// non-durable one (live KPIs, sample streams) is isolated and logged.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { disableNagle } from '../../core/adapters/mqtt/no-delay.ts';
import { persistentSessionOptions, type SessionConfig } from '../../core/adapters/mqtt/session-options.ts';
import { LIVE_READINGS_TOPIC, type LiveReadingsPayload } from '../../core/domain/messages/topics.ts';
import type { Reading } from '../../core/domain/readings.ts';

export interface LiveHandler {
  readonly name: string;
  /** Durable handlers must finish before the message is acknowledged; they are retried on failure. */
  readonly durable: boolean;
  handle(readings: readonly Reading[]): Promise<void> | void;
}

export interface LiveConsumerOptions {
  readonly mqtt: SessionConfig & { readonly url: string };
  readonly handlers: readonly LiveHandler[];
  readonly logger: Logger;
  readonly retryMs?: number;
}

export class LiveConsumer {
  private client: MqttClient | undefined;
  private stopped = false;

  constructor(private readonly options: LiveConsumerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    const client = mqtt.connect(this.options.mqtt.url, persistentSessionOptions(this.options.mqtt));
    this.client = client;
    disableNagle(client);
    client.handleMessage = (packet, callback) => {
      void this.dispatch(packet.payload).then(() => {
        if (!this.stopped) callback?.();
      });
    };
    client.on('connect', (connack) => {
      if (!connack.sessionPresent) client.subscribe(LIVE_READINGS_TOPIC, { qos: 1 });
    });
    client.on('error', (error) => this.options.logger.warn({ err: error }, 'live consumer mqtt error'));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.endAsync(true);
  }

  private async dispatch(payload: Buffer | string): Promise<void> {
    const readings = parseLive(payload, this.options.logger);
    for (const handler of this.options.handlers) {
      if (handler.durable) await this.untilDone(handler, readings);
      else {
        try {
          await handler.handle(readings);
        } catch (error) {
          this.options.logger.error({ err: error, handler: handler.name }, 'live handler failed; it misses this batch');
        }
      }
    }
  }

  private async untilDone(handler: LiveHandler, readings: readonly Reading[]): Promise<void> {
    for (;;) {
      try {
        return await handler.handle(readings);
      } catch (error) {
        if (this.stopped) return;
        this.options.logger.error({ err: error, handler: handler.name }, 'durable live handler failed; holding the message and retrying');
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 1000));
      }
    }
  }
}

function parseLive(payload: Buffer | string, logger: Logger): Reading[] {
  try {
    const body = JSON.parse(payload.toString()) as LiveReadingsPayload;
    return Array.isArray(body.readings) ? [...body.readings] : [];
  } catch (error) {
    logger.error({ err: error }, 'unreadable live message skipped');
    return [];
  }
}
