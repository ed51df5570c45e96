// A deterministic, schema-aware fuzzer of device messages: valid meter and particle payloads (single
// objects and backlog arrays) mutated field by field and byte by byte, each case carrying what the
// message contract (README) says ingest must make of it: which readings it accepts, which parts it refuses and why.
import type { DeadLetterReason } from '../../../core/domain/dead-letter.ts';
import type { ValidationLimits } from '../../../core/domain/messages/validate-message.ts';
import { counterTopic, meterTopic } from '../../../core/domain/messages/topics.ts';
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import { createRng, type Rng } from '../../../simulators/random.ts';
import { meterDraft, particleDraft, timeAllocator, type ElementDraft, type TimeAllocator } from './element-drafts.ts';
import { mutateElement } from './element-mutations.ts';
import { mutateMessage, type MessageFault } from './message-mutations.ts';

export interface FuzzDevices {
  readonly meters: readonly string[];
  readonly counters: readonly { readonly roomId: string; readonly counterId: string }[];
  /** Its payloads carry no ts, so its readings take the receive time: counted, not matched by time. */
  readonly receiveTimeMeter: string;
}

export interface ExpectedReading {
  /** As core/domain/readings.ts deviceKey spells it. */
  readonly deviceKey: string;
  /** Undefined: the receive time. */
  readonly tsMs: number | undefined;
}

export interface FuzzCase {
  readonly index: number;
  readonly topic: string;
  readonly payload: Buffer;
  readonly labels: readonly string[];
  readonly readings: readonly ExpectedReading[];
  /** One reason per refused part, in payload order. */
  readonly refused: readonly DeadLetterReason[];
  /** Per object when the objects are judged one by one ('ok' or the reason), for diagnostics. */
  readonly perObject?: readonly string[];
}

export interface FuzzerOptions {
  readonly seed: number;
  readonly devices: FuzzDevices;
  readonly limits: ValidationLimits;
  readonly clock: () => number;
  /** Accepted readings get unique times from here on, one second apart. */
  readonly startMs: number;
}

/** Every meter but the last, which takes the readings without ts; every counter. */
export function fuzzDevicesOf(site: SiteConfig): FuzzDevices {
  const meters = site.meters.map((m) => m.id);
  return {
    meters: meters.slice(0, -1),
    counters: site.rooms.flatMap((r) => r.counters.map((c) => ({ roomId: r.id, counterId: c.id }))),
    receiveTimeMeter: meters.at(-1)!,
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;

/** Ids no site has, including the awkward ones (they are still legal MQTT topic levels). */
const GHOST_IDS = ['ghost', '潔淨室 A', 'm=1,2', 'a"b\\c', ' m001', 'M001', 'inf-z1 ', '🚰', "o'neil", 'a\\', '$SYS', 'ünïcödé'];
const BAD_TOPICS_METER = ['k14/meter/'];
const BAD_TOPICS_COUNTER = ['cleanroom//pms/pms-01', 'cleanroom/mask-line/pms/', 'cleanroom//pms/'];

interface Target {
  readonly kind: 'meter' | 'particle';
  readonly topic: string;
  readonly deviceKey: string;
  readonly timed: boolean;
  readonly topicFault?: DeadLetterReason;
}

function chooseTarget(rng: Rng, devices: FuzzDevices, n: number): Target {
  const roll = rng.next();
  const ghost = `${pick(rng, GHOST_IDS)}${rng.chance(0.5) ? `-${n}` : ''}`;
  if (roll < 0.03) {
    const meter = rng.chance(0.5);
    return { kind: meter ? 'meter' : 'particle', topic: pick(rng, meter ? BAD_TOPICS_METER : BAD_TOPICS_COUNTER), deviceKey: '', timed: true, topicFault: 'unknown_topic' };
  }
  if (roll < 0.05) return { kind: 'meter', topic: meterTopic(ghost), deviceKey: '', timed: true, topicFault: 'unknown_meter' };
  if (roll < 0.065) return { kind: 'particle', topic: counterTopic(ghost, 'pms-01'), deviceKey: '', timed: true, topicFault: 'unknown_room' };
  if (roll < 0.08) {
    const { roomId } = pick(rng, devices.counters);
    return { kind: 'particle', topic: counterTopic(roomId, ghost), deviceKey: '', timed: true, topicFault: 'unknown_counter' };
  }
  if (roll < 0.12) return { kind: 'meter', topic: meterTopic(devices.receiveTimeMeter), deviceKey: `meter/${devices.receiveTimeMeter}`, timed: false };
  if (roll < 0.6) {
    const id = pick(rng, devices.meters);
    return { kind: 'meter', topic: meterTopic(id), deviceKey: `meter/${id}`, timed: true };
  }
  const { roomId, counterId } = pick(rng, devices.counters);
  return { kind: 'particle', topic: counterTopic(roomId, counterId), deviceKey: `pms/${roomId}/${counterId}`, timed: true };
}

function elementCount(rng: Rng): number {
  if (rng.chance(0.7)) return 0; // a single object, not an array
  return rng.chance(0.9) ? 1 + rng.int(10) : 1 + rng.int(200);
}

export function createPayloadFuzzer(options: FuzzerOptions): () => FuzzCase {
  const rng = createRng(options.seed);
  const times: TimeAllocator = timeAllocator({ startMs: options.startMs, clock: options.clock, maxFutureSkewMs: options.limits.maxFutureSkewMs, rng });
  let index = 0;
  return () => {
    const n = index++;
    const target = chooseTarget(rng, options.devices, n);
    const arrayOf = elementCount(rng);
    const drafts: ElementDraft[] = Array.from({ length: Math.max(1, arrayOf) }, () => {
      const tsMs = target.timed ? times.normal() : undefined;
      const draft = target.kind === 'meter' ? meterDraft(rng, tsMs) : particleDraft(rng, tsMs);
      mutateElement(draft, { rng, times, timed: target.timed });
      return draft;
    });
    const message = mutateMessage(rng, { drafts, isArray: arrayOf > 0, limitBytes: options.limits.maxPayloadBytes });
    const labels = [...(target.topicFault ? [`topic: ${target.topicFault}`] : []), ...message.labels, ...drafts.flatMap((d, i) => d.labels.map((l) => `[${i}] ${l}`))];
    return { index: n, topic: target.topic, payload: message.payload, labels, ...expectedOutcome(target, message.fault, message.payload, drafts, options.limits) };
  };
}

/** The order validate-message.ts documents: topic, size, device, UTF-8, JSON, then each object. */
function expectedOutcome(
  target: Target,
  fault: MessageFault | undefined,
  payload: Buffer,
  drafts: readonly ElementDraft[],
  limits: ValidationLimits,
): Pick<FuzzCase, 'readings' | 'refused' | 'perObject'> {
  const whole = (reason: DeadLetterReason) => ({ readings: [], refused: [reason] });
  if (target.topicFault === 'unknown_topic') return whole('unknown_topic');
  if (payload.byteLength > limits.maxPayloadBytes) return whole('payload_too_large');
  if (target.topicFault) return whole(target.topicFault);
  if (fault === 'invalid_utf8' || fault === 'invalid_json' || fault === 'schema_violation') return whole(fault);
  return {
    readings: drafts.filter((d) => d.outcome === 'ok').map((d) => ({ deviceKey: target.deviceKey, tsMs: d.tsMs })),
    refused: drafts.filter((d) => d.outcome !== 'ok').map((d) => d.outcome as DeadLetterReason),
    perObject: drafts.map((d) => d.outcome),
  };
}
