// What the poison run needs around a running ingest: a QoS 1 publisher fed from a generator, the
// intake's processed-message count (its metrics), throughput windows, and what the SQLite file holds.
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { meterTopic } from '../../../core/domain/messages/topics.ts';
import type { MetricsRegistry } from '../../../core/observability/metrics.ts';
import { pollUntil } from '../../harness/poll-until.ts';

export interface OutgoingMessage {
  readonly topic: string;
  readonly payload: Buffer;
}

const IN_FLIGHT = 200;

export async function connectPublisher(url: string, name: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `poison-${name}-${process.pid}-${Date.now()}`, reconnectPeriod: 200, protocolVersion: 5 });
}

/** Publishes at QoS 1 with at most IN_FLIGHT unacknowledged; resolves once the broker acknowledged all. */
export async function publishStream(client: MqttClient, messages: Iterable<OutgoingMessage>): Promise<number> {
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  for (const message of messages) {
    const publish = client.publishAsync(message.topic, message.payload, { qos: 1 }).finally(() => inFlight.delete(publish));
    inFlight.add(publish);
    sent++;
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return sent;
}

/** A metric's value from the registry's exposition text (sum over labels). */
export function metricValue(registry: MetricsRegistry, name: string): number {
  let sum = 0;
  for (const line of registry.render().split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export function waitForProcessed(registry: MetricsRegistry, target: number, timeoutMs: number): Promise<number> {
  return pollUntil(() => (metricValue(registry, 'ingest_messages_total') >= target ? Date.now() : undefined), {
    description: `ingest to have processed ${target} messages (at ${metricValue(registry, 'ingest_messages_total')})`,
    timeoutMs,
    intervalMs: 5,
  });
}

/** Valid single-reading meter messages, one second apart from startMs: the throughput probe. */
export function* validMeterMessages(meterId: string, startMs: number, count: number): Generator<OutgoingMessage> {
  for (let k = 0; k < count; k++) {
    yield { topic: meterTopic(meterId), payload: Buffer.from(JSON.stringify({ ts: startMs + k * 1000, flow_m3h: 100 + (k % 50) / 4, seq: k })) };
  }
}

export interface RateWindow {
  readonly messages: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly perSecond: number;
}

/** Publishes `messages` and times them until ingest has processed every one. */
export async function timedWindow(client: MqttClient, registry: MetricsRegistry, messages: OutgoingMessage[]): Promise<RateWindow> {
  const before = metricValue(registry, 'ingest_messages_total');
  const startedAt = Date.now();
  await publishStream(client, messages);
  const endedAt = await waitForProcessed(registry, before + messages.length, 30_000);
  return { messages: messages.length, startedAt, endedAt, perSecond: (messages.length * 1000) / Math.max(1, endedAt - startedAt) };
}

export interface StoredContents {
  /** "meter/{id}@{tsMs}" or "pms/{room}/{counter}@{tsMs}". */
  readonly readings: Set<string>;
  readonly readingRows: number;
  readonly deadLettersByReason: Map<string, number>;
  readonly blankDetails: number;
}

/** Read straight from the SQLite file (a second, read-only connection), so 10⁵ letters cost no JSON. */
export function storedContents(file: string): StoredContents {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const readings = new Set<string>();
    let readingRows = 0;
    for (const row of db.prepare<[], { k: string }>(`SELECT 'meter/' || meter_id || '@' || ts_ms AS k FROM meter_readings`).iterate()) {
      readings.add(row.k);
      readingRows++;
    }
    for (const row of db.prepare<[], { k: string }>(`SELECT 'pms/' || room_id || '/' || counter_id || '@' || ts_ms AS k FROM particle_samples`).iterate()) {
      readings.add(row.k);
      readingRows++;
    }
    const deadLettersByReason = new Map<string, number>();
    for (const row of db.prepare<[], { reason: string; n: number }>('SELECT reason, count(*) AS n FROM dead_letters GROUP BY reason').all()) {
      deadLettersByReason.set(row.reason, row.n);
    }
    const blank = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM dead_letters WHERE trim(detail) = ''").get();
    return { readings, readingRows, deadLettersByReason, blankDetails: blank?.n ?? 0 };
  } finally {
    db.close();
  }
}
