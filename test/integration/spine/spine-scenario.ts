// The telemetry-spine acceptance run, shared by the embedded pair (Aedes + SQLite) and the real pair
// (Mosquitto + InfluxDB): 10,000 valid readings from 20 meters and 1,000 malformed messages of every
// kind, published at QoS 1; afterwards the store must hold exactly those readings and dead letters.
import mqtt from 'mqtt';
import type { DeadLetterReason } from '../../../core/domain/dead-letter.ts';
import { counterTopic, meterTopic } from '../../../core/domain/messages/topics.ts';
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { pollUntil } from '../../harness/poll-until.ts';

export const READINGS_PER_METER = 500;
export const SPINE_START_MS = Date.UTC(2026, 0, 1);

export interface PlannedReading {
  readonly topic: string;
  readonly meterId: string;
  readonly tsMs: number;
  readonly flow: number;
  readonly totalizer: number;
  readonly seq: number;
}

/** Every valid reading: meter i sends READINGS_PER_METER readings one second apart. */
export function plannedReadings(site: SiteConfig): PlannedReading[] {
  return site.meters.flatMap((meter, i) =>
    Array.from({ length: READINGS_PER_METER }, (_, k) => ({
      topic: meterTopic(meter.id),
      meterId: meter.id,
      tsMs: SPINE_START_MS + k * 1000 + i,
      flow: 100 + i + k / 8,
      totalizer: 1_000_000 + k * 0.125,
      seq: k,
    })),
  );
}

export interface Malformed {
  readonly reason: DeadLetterReason;
  readonly topic: string;
  readonly payload: Buffer;
}

/** 100 messages of each of 10 kinds of bad input. */
export function malformedMessages(site: SiteConfig, nowMs: number): Malformed[] {
  const meter = meterTopic(site.meters[0]!.id);
  const room = site.rooms[0]!;
  const counter = counterTopic(room.id, room.counters[0]!.id);
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const kinds: Array<(i: number) => Malformed> = [
    (i) => ({ reason: 'invalid_json', topic: meter, payload: Buffer.from(`{"flow_m3h": ${i},`) }),
    (i) => ({ reason: 'invalid_json', topic: meter, payload: Buffer.from(`{"flow_m3h": NaN, "seq": ${i}}`) }),
    (i) => ({ reason: 'schema_violation', topic: meter, payload: json({ flow_m3h: String(i), ts: SPINE_START_MS }) }),
    (i) => ({ reason: 'schema_violation', topic: meter, payload: json({ flow_m3h: -1 - i, ts: SPINE_START_MS }) }),
    (i) => ({ reason: 'schema_violation', topic: counter, payload: json({ volume_l: 0, counts: { '0.5': i }, ts: SPINE_START_MS }) }),
    (i) => ({ reason: 'unknown_meter', topic: meterTopic(`ghost-${i}`), payload: json({ flow_m3h: 1 }) }),
    (i) => ({ reason: 'unknown_room', topic: counterTopic(`ghost-room-${i}`, 'pms-01'), payload: json({ volume_l: 28.3, counts: { '0.5': 1 } }) }),
    (i) => ({ reason: 'future_timestamp', topic: meter, payload: json({ flow_m3h: 1, ts: nowMs + 24 * 3600_000 + i }) }),
    (i) => ({ reason: 'payload_too_large', topic: meter, payload: Buffer.from(JSON.stringify({ flow_m3h: 1, pad: 'x'.repeat(70_000 + i) })) }),
    (i) => ({ reason: 'invalid_utf8', topic: meter, payload: Buffer.from([0x7b, 0xff, 0xfe, i & 0x7f, 0x7d]) }),
  ];
  return kinds.flatMap((make) => Array.from({ length: 100 }, (_, i) => make(i)));
}

/** Publishes at QoS 1 with bounded concurrency; resolves once the broker acknowledged every message. */
export async function publishAll(url: string, messages: ReadonlyArray<{ topic: string; payload: Buffer | string }>, onProgress?: (sent: number) => void): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `spine-publisher-${process.pid}-${Date.now()}`, reconnectPeriod: 200 });
  try {
    const inFlight = new Set<Promise<unknown>>();
    let sent = 0;
    for (const message of messages) {
      const publish = client.publishAsync(message.topic, message.payload, { qos: 1 }).finally(() => inFlight.delete(publish));
      inFlight.add(publish);
      if (inFlight.size >= 200) await Promise.race(inFlight);
      onProgress?.(++sent);
    }
    await Promise.all(inFlight);
  } finally {
    await client.endAsync();
  }
}

export function spineMessages(site: SiteConfig, nowMs: number): Array<{ topic: string; payload: Buffer }> {
  const valid = plannedReadings(site).map((r) => ({
    topic: r.topic,
    payload: Buffer.from(JSON.stringify({ ts: r.tsMs, flow_m3h: r.flow, totalizer_m3: r.totalizer, seq: r.seq })),
  }));
  const bad = malformedMessages(site, nowMs);
  // Interleave: one bad message after every ten good ones.
  const mixed: Array<{ topic: string; payload: Buffer }> = [];
  valid.forEach((message, i) => {
    mixed.push(message);
    if (i % 10 === 9 && bad[(i - 9) / 10]) mixed.push(bad[(i - 9) / 10]!);
  });
  return mixed;
}

const RANGE = { fromMs: SPINE_START_MS - 3600_000, toMs: SPINE_START_MS + 3600_000 };

export async function waitForStoredCounts(store: TelemetryStore, expected: { readings: number; deadLetters: number }, timeoutMs = 60_000): Promise<void> {
  await pollUntil(
    async () => {
      const readings = await store.countReadings('meter', RANGE);
      const letters = await store.listDeadLetters({ status: 'all', limit: expected.deadLetters + 100 });
      return readings >= expected.readings && letters.length >= expected.deadLetters ? true : undefined;
    },
    { description: `${expected.readings} readings and ${expected.deadLetters} dead letters in the store`, timeoutMs, intervalMs: 200 },
  );
}

/** Asserts the store holds exactly the planned readings, value for value, and returns the dead letters by reason. */
export async function checkStore(store: TelemetryStore, site: SiteConfig): Promise<{ readings: number; mismatches: string[]; reasons: Map<string, number>; deadLetters: number }> {
  const planned = plannedReadings(site);
  const mismatches: string[] = [];
  for (const meter of site.meters) {
    const stored = await store.readMeterReadings(meter.id, RANGE);
    const expected = planned.filter((p) => p.meterId === meter.id);
    if (stored.length !== expected.length) mismatches.push(`${meter.id}: ${stored.length} stored, ${expected.length} sent`);
    for (const [i, want] of expected.entries()) {
      const got = stored[i];
      if (!got || got.tsMs !== want.tsMs || got.flowM3PerHour !== want.flow || got.totalizerM3 !== want.totalizer || got.seq !== want.seq) {
        mismatches.push(`${meter.id}#${i}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
        break;
      }
    }
  }
  const letters = await store.listDeadLetters({ status: 'all', limit: 5000 });
  const reasons = new Map<string, number>();
  for (const letter of letters) reasons.set(letter.reason, (reasons.get(letter.reason) ?? 0) + 1);
  return { readings: await store.countReadings('meter', RANGE), mismatches, reasons, deadLetters: letters.length };
}
