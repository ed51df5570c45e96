// Shared by the MQTT access tests on Mosquitto and on the embedded broker: ingest logged in as its
// own identity over a SQLite store, device messages with recognisable values, and store probes that
// show what got in. A forged message is published between two legitimate ones: once the second is
// stored, the forged one would have been too (one publisher, in order) had the broker let it through.
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { testIngestOptions } from '../spine/ingest-fixture.ts';

const STORED_TIMEOUT_MS = 10_000;
const EVER = { fromMs: 0, toMs: 8_000_000_000_000 };

export interface IngestOnBroker {
  readonly store: TelemetryStore;
  stop(): Promise<void>;
}

export async function startIngestAs(o: {
  url: string;
  protocolVersion: 4 | 5;
  username: string;
  password: string;
  caFile?: string;
  dir: string;
  site: SiteConfig;
  clientId?: string;
}): Promise<IngestOnBroker> {
  const store = openSqliteStore({ file: path.join(o.dir, 'telemetry.sqlite') });
  await store.start();
  const base = testIngestOptions({ ...o, store, registry: new MetricsRegistry(), logger: pino({ level: 'silent' }) });
  const ingest = new IngestService({ ...base, mqtt: { ...base.mqtt, username: o.username, password: o.password, caFile: o.caFile }, connectTimeoutMs: 10_000 });
  try {
    await ingest.start();
  } catch (error) {
    await ingest.stop();
    await store.close();
    throw error;
  }
  return {
    store,
    async stop() {
      await ingest.stop();
      await store.close();
    },
  };
}

/** Clients a test opened, ended at teardown. */
export class ClientPool {
  private readonly clients: MqttClient[] = [];

  async connect(url: string, options: IClientOptions): Promise<MqttClient> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    this.clients.push(client);
    // A refused publish may close the connection; that is reported through 'error' and 'close'.
    client.on('error', () => {});
    return client;
  }

  async endAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.endAsync(true)));
  }
}

/** Resolves when the broker closes the client's connection, fails after `timeoutMs`. */
export function closed(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the connection was still open after ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export const meterMessage = (flowM3PerHour: number): string => JSON.stringify({ ts: Date.now(), flow_m3h: flowM3PerHour, quality: 'good' });
export const counterMessage = (count05: number): string => JSON.stringify({ ts: Date.now(), volume_l: 28.3, counts: { '0.5': count05 } });

export async function waitForMeterFlow(store: TelemetryStore, meterId: string, flowM3PerHour: number): Promise<void> {
  await pollUntil(async () => ((await store.readMeterReadings(meterId, EVER)).some((r) => r.flowM3PerHour === flowM3PerHour) ? true : undefined), {
    description: `meter ${meterId}'s reading of ${flowM3PerHour} m³/h in the store`,
    timeoutMs: STORED_TIMEOUT_MS,
  });
}

export async function waitForCount(store: TelemetryStore, roomId: string, counterId: string, count05: number): Promise<void> {
  await pollUntil(async () => ((await store.readParticleSamples({ roomId, counterId }, EVER)).some((s) => s.counts['0.5'] === count05) ? true : undefined), {
    description: `counter ${roomId}/${counterId}'s sample of ${count05} in the store`,
    timeoutMs: STORED_TIMEOUT_MS,
  });
}

/** Everything stored for a device, readings and dead letters alike. */
export async function storedFor(store: TelemetryStore, device: { meterId: string } | { roomId: string; counterId: string }): Promise<{ readings: number; deadLetters: number }> {
  const readings = 'meterId' in device ? await store.readMeterReadings(device.meterId, EVER) : await store.readParticleSamples(device, EVER);
  const topic = 'meterId' in device ? `k14/meter/${device.meterId}` : `cleanroom/${device.roomId}/pms/${device.counterId}`;
  const letters = await store.listDeadLetters({ status: 'all', limit: 1000 });
  return { readings: readings.length, deadLetters: letters.filter((letter) => letter.topic === topic).length };
}
