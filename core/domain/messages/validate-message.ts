// Device message → normalised readings, or the reasons it was refused. Pure: the receive time and
// the site come in as arguments. Never throws on device data.
import type { z } from 'zod';
import type { DeadLetterReason } from '../dead-letter.ts';
import type { MeterReading, ParticleSample, Reading, SizeChannel } from '../readings.ts';
import type { SiteIndex } from '../site/site-schema.ts';
import { meterPayloadSchema, particlePayloadSchema, quickMeterPayload, quickParticlePayload, type MeterPayloadData, type ParticlePayloadData } from './device-payloads.ts';
import { parseDeviceTopic, type DeviceTopic } from './topics.ts';

export interface ValidationLimits {
  readonly maxPayloadBytes: number;
  /** A timestamp further than this ahead of the receive time is refused (clock not set, ms/µs mix-up). */
  readonly maxFutureSkewMs: number;
}

export interface RefusedPart {
  readonly reason: DeadLetterReason;
  readonly detail: string;
  /** The refused part's own bytes when only one element of a backlog array was bad; else the whole payload. */
  readonly raw: Uint8Array;
}

export interface ValidationResult {
  readonly readings: Reading[];
  readonly refused: RefusedPart[];
}

export interface MessageContext extends ValidationLimits {
  readonly site: SiteIndex;
  readonly receivedAtMs: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function validateDeviceMessage(topic: string, payload: Uint8Array, ctx: MessageContext): ValidationResult {
  const device = parseDeviceTopic(topic);
  if (!device) return refusal(payload, 'unknown_topic', `topic "${topic}" is neither k14/meter/{meterId} nor cleanroom/{roomId}/pms/{counterId}`);
  if (payload.byteLength > ctx.maxPayloadBytes) {
    return refusal(payload, 'payload_too_large', `payload is ${payload.byteLength} bytes; the limit is ${ctx.maxPayloadBytes}`);
  }
  const unknown = unknownDevice(device, ctx.site);
  if (unknown) return refusal(payload, unknown.reason, unknown.detail);

  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return refusal(payload, 'invalid_utf8', 'payload is not valid UTF-8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return refusal(payload, 'invalid_json', `payload is not JSON: ${(error as Error).message}`);
  }

  if (!Array.isArray(body)) {
    const one = normaliseOne(device, body, ctx);
    return 'reading' in one ? { readings: [one.reading], refused: [] } : refusal(payload, one.reason, one.detail);
  }
  if (body.length === 0) return refusal(payload, 'schema_violation', 'an empty array carries no reading');
  const result: ValidationResult = { readings: [], refused: [] };
  for (const [index, element] of body.entries()) {
    const one = normaliseOne(device, element, ctx);
    if ('reading' in one) result.readings.push(one.reading);
    else result.refused.push({ reason: one.reason, detail: `element ${index}: ${one.detail}`, raw: elementBytes(element, payload) });
  }
  return result;
}

function refusal(payload: Uint8Array, reason: DeadLetterReason, detail: string): ValidationResult {
  return { readings: [], refused: [{ reason, detail, raw: payload }] };
}

/** A refused element's own bytes; one nested too deep to serialise again (stack overflow) keeps the whole payload. */
function elementBytes(element: unknown, payload: Uint8Array): Uint8Array {
  try {
    return Buffer.from(JSON.stringify(element) ?? 'null');
  } catch {
    return payload;
  }
}

type OneResult = { reading: Reading } | { reason: DeadLetterReason; detail: string };

function unknownDevice(device: DeviceTopic, site: SiteIndex): { reason: DeadLetterReason; detail: string } | undefined {
  if (device.kind === 'meter') {
    return site.meter(device.meterId) ? undefined : { reason: 'unknown_meter', detail: `meter "${device.meterId}" is not in the site configuration` };
  }
  if (!site.room(device.roomId)) return { reason: 'unknown_room', detail: `room "${device.roomId}" is not in the site configuration` };
  if (!site.counter(device.roomId, device.counterId)) {
    return { reason: 'unknown_counter', detail: `counter "${device.counterId}" is not configured in room "${device.roomId}"` };
  }
  return undefined;
}

function normaliseOne(device: DeviceTopic, body: unknown, ctx: MessageContext): OneResult {
  const parsed = device.kind === 'meter' ? parsePayload(quickMeterPayload, meterPayloadSchema, body) : parsePayload(quickParticlePayload, particlePayloadSchema, body);
  if ('detail' in parsed) return { reason: 'schema_violation', detail: parsed.detail };
  const tsMs = parsed.data.ts === undefined ? ctx.receivedAtMs : toEpochMs(parsed.data.ts);
  if (tsMs - ctx.receivedAtMs > ctx.maxFutureSkewMs) {
    return { reason: 'future_timestamp', detail: `ts is ${tsMs - ctx.receivedAtMs} ms ahead of the receive time; at most ${ctx.maxFutureSkewMs} ms is allowed` };
  }
  if (device.kind === 'meter') {
    const data = parsed.data as MeterPayloadData;
    return { reading: toMeterReading(device.meterId, tsMs, data, ctx.site) };
  }
  const data = parsed.data as ParticlePayloadData;
  return { reading: toParticleSample(device.roomId, device.counterId, tsMs, data) };
}

/** The quick check first; the schema decides (and explains) whatever it does not accept. */
function parsePayload<T>(quick: (body: unknown) => T | undefined, schema: { safeParse(body: unknown): z.ZodSafeParseResult<T> }, body: unknown): { data: T } | { detail: string } {
  const data = quick(body);
  if (data !== undefined) return { data };
  const parsed = schema.safeParse(body);
  return parsed.success ? { data: parsed.data } : { detail: describeIssues(parsed.error) };
}

function toMeterReading(meterId: string, tsMs: number, data: MeterPayloadData, site: SiteIndex): MeterReading {
  const meter = site.meter(meterId)!;
  return {
    kind: 'meter',
    meterId,
    role: meter.role,
    zone: meter.zone,
    tsMs,
    flowM3PerHour: data.flow_m3h,
    ...(data.totalizer_m3 === undefined ? {} : { totalizerM3: data.totalizer_m3 }),
    quality: data.quality,
    ...(data.seq === undefined ? {} : { seq: data.seq }),
  };
}

function toParticleSample(roomId: string, counterId: string, tsMs: number, data: ParticlePayloadData): ParticleSample {
  const counts: Partial<Record<SizeChannel, number>> = {};
  for (const [channel, value] of Object.entries(data.counts) as [SizeChannel, number | undefined][]) {
    if (value !== undefined) counts[channel] = value;
  }
  return {
    kind: 'particle',
    roomId,
    counterId,
    tsMs,
    volumeLitres: data.volume_l,
    counts,
    ...(data.seq === undefined ? {} : { seq: data.seq }),
  };
}

function toEpochMs(ts: string | number): number {
  return typeof ts === 'number' ? ts : Date.parse(ts);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}
