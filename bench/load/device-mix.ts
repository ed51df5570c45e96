// The ingest benches' device population: a site of 1,000 devices (800 flow meters, 200 particle
// counters in 20 rooms) and a message stream over it, 80 % meter readings and 20 % particle samples,
// each device's timestamps strictly increasing so every message is one distinct point in the store.
import type { MeterPayload, ParticlePayload } from '../../core/domain/messages/device-payloads.ts';
import { counterTopic, meterTopic } from '../../core/domain/messages/topics.ts';
import { siteSchema, type SiteConfig } from '../../core/domain/site/site-schema.ts';

export const METERS = 800;
export const ROOMS = 20;
export const COUNTERS_PER_ROOM = 10;
const ROLES = ['influent', 'recycled', 'reject', 'tap'] as const;
const TIME_STEP_MS = 1_000;

export const meterId = (i: number): string => `m-${String(i).padStart(4, '0')}`;
export const roomId = (i: number): string => `room-${String(i).padStart(2, '0')}`;
export const counterId = (i: number): string => `pms-${String(i).padStart(2, '0')}`;

/** The bench site: same shape as config/site.k14.json, 1,000 devices. */
export function benchSite(): SiteConfig {
  return siteSchema.parse({
    name: 'K14 bench site, 1,000 devices',
    timezone: 'Asia/Taipei',
    commissionedAt: '2015-01-01T00:00:00+08:00',
    zones: [{ id: 'zone1', name: 'Zone 1' }, { id: 'zone2', name: 'Zone 2' }],
    meters: Array.from({ length: METERS }, (_, i) => ({ id: meterId(i), role: ROLES[i % ROLES.length], zone: i % 2 ? 'zone2' : 'zone1', hasTotalizer: i % 4 !== 2, nominalFlowM3PerHour: 100 + (i % 50) * 10 })),
    rooms: Array.from({ length: ROOMS }, (_, r) => ({
      id: roomId(r),
      isoClass: 6,
      counters: Array.from({ length: COUNTERS_PER_ROOM }, (_, c) => ({ id: counterId(c), sampleFlowLitresPerMinute: 28.3, sampleIntervalSeconds: 60 })),
    })),
  });
}

export interface DeviceMessage {
  readonly topic: string;
  readonly payload: string;
}

/**
 * Message n of the stream (n from 0): of every 5 messages, 4 go to meters and 1 to a counter,
 * cycling through the devices; a device's k-th message has ts = startMs + k s and seq k. Clean
 * particle counts (well below the ISO 6 alert levels), so no alarm is raised by the load itself.
 */
export function deviceMessage(n: number, startMs: number): DeviceMessage {
  const slot = n % 5;
  const group = Math.floor(n / 5);
  if (slot < 4) {
    const k = group * 4 + slot;
    const device = k % METERS;
    const round = Math.floor(k / METERS);
    const flow = 100 + (device % 50) * 10 + ((round * 7 + device) % 13);
    const payload: MeterPayload = {
      ts: startMs + round * TIME_STEP_MS,
      flow_m3h: flow,
      ...(device % 4 !== 2 ? { totalizer_m3: 1_000_000 + device * 1_000 + round * 0.25 } : {}),
      quality: 'good',
      seq: round,
    };
    return { topic: meterTopic(meterId(device)), payload: JSON.stringify(payload) };
  }
  const counters = ROOMS * COUNTERS_PER_ROOM;
  const device = group % counters;
  const round = Math.floor(group / counters);
  const payload: ParticlePayload = {
    ts: startMs + round * TIME_STEP_MS,
    volume_l: 28.3,
    counts: { '0.3': 180 + (round % 40), '0.5': 60 + (device % 20), '1.0': 12 + (round % 5), '5.0': round % 2 },
    seq: round,
  };
  return { topic: counterTopic(roomId(Math.floor(device / COUNTERS_PER_ROOM)), counterId(device % COUNTERS_PER_ROOM)), payload: JSON.stringify(payload) };
}

/**
 * Where a stream of `count` messages may start so that its newest timestamp is a minute in the past:
 * within ingest's future-skew limit, and replaying it into a fresh database never collides.
 */
export function streamStartMs(count: number, nowMs: number): number {
  const rounds = Math.ceil(count / METERS) + 1;
  return nowMs - 60_000 - rounds * TIME_STEP_MS;
}

/** The newest timestamp of a stream and how many of its messages carry it. */
export interface StreamTail {
  readonly sinceMs: number;
  readonly count: number;
}

/** The last round of the stream of `count` messages from startMs (a round gives every device one message). */
export function streamTail(count: number, startMs: number): StreamTail {
  const timestamps: number[] = [];
  for (let n = Math.max(0, count - (METERS + ROOMS * COUNTERS_PER_ROOM)); n < count; n++) {
    timestamps.push((JSON.parse(deviceMessage(n, startMs).payload) as { ts: number }).ts);
  }
  const sinceMs = Math.max(...timestamps);
  return { sinceMs, count: timestamps.filter((ts) => ts === sinceMs).length };
}
