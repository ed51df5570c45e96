// What devices publish (the message contract in the README). Unknown extra fields are ignored so a
// firmware that adds a field keeps working; wrong types, NaN, Infinity and negatives are refused.
import { z } from 'zod';
import { QUALITIES, SIZE_CHANNELS } from '../readings.ts';

/** Epoch ms before 2000 is almost always a device sending seconds. */
const EARLIEST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);

const timestamp = z.union([
  // Before 2000 is a clock that was never set; InfluxDB cannot even store times before 1677.
  z.iso.datetime({ offset: true }).refine((iso) => Date.parse(iso) >= EARLIEST_PLAUSIBLE_MS, 'a time before 2000: device clock not set?'),
  z.number().int().min(EARLIEST_PLAUSIBLE_MS, 'epoch milliseconds before 2000: seconds sent instead of milliseconds?'),
]);

const seq = z.number().int().nonnegative();

export const meterPayloadSchema = z.object({
  ts: timestamp.optional(),
  flow_m3h: z.number().nonnegative(),
  totalizer_m3: z.number().nonnegative().optional(),
  quality: z.enum(QUALITIES).default('good'),
  seq: seq.optional(),
});

const count = z.number().int().nonnegative();

export const particlePayloadSchema = z.object({
  ts: timestamp.optional(),
  volume_l: z.number().positive(),
  counts: z
    .strictObject(Object.fromEntries(SIZE_CHANNELS.map((c) => [c, count.optional()])) as Record<(typeof SIZE_CHANNELS)[number], z.ZodOptional<typeof count>>)
    .refine((counts) => Object.values(counts).some((v) => v !== undefined), 'counts needs at least one size channel'),
  seq: seq.optional(),
});

export type MeterPayload = z.input<typeof meterPayloadSchema>;
export type ParticlePayload = z.input<typeof particlePayloadSchema>;

export type MeterPayloadData = z.output<typeof meterPayloadSchema>;
export type ParticlePayloadData = z.output<typeof particlePayloadSchema>;

// The schemas decide and explain; these accept only the common, well-formed payload (numeric ts or
// none, no surprises) without them, about ten times faster, for a hot path of tens of thousands of
// messages a second. Anything they do not accept goes to the schema, so they may only ever be
// stricter: a test holds them to the schema's output on the fuzzer's payloads.

/** The payload as the meter schema would output it, or undefined: ask the schema. */
export function quickMeterPayload(body: unknown): MeterPayloadData | undefined {
  if (!isPlainRecord(body)) return undefined;
  const { ts, flow_m3h, totalizer_m3, quality, seq } = body;
  if (!isQuickTimestamp(ts) || !isNonNegative(flow_m3h) || !(totalizer_m3 === undefined || isNonNegative(totalizer_m3)) || !isQuickSeq(seq)) return undefined;
  const knownQuality = quality === undefined ? 'good' : QUALITIES.find((q) => q === quality);
  if (knownQuality === undefined) return undefined;
  return { ts, flow_m3h, totalizer_m3, quality: knownQuality, seq };
}

/** The payload as the particle schema would output it, or undefined: ask the schema. */
export function quickParticlePayload(body: unknown): ParticlePayloadData | undefined {
  if (!isPlainRecord(body)) return undefined;
  const { ts, volume_l, counts, seq } = body;
  if (!isQuickTimestamp(ts) || !isNonNegative(volume_l) || volume_l === 0 || !isQuickSeq(seq) || !isPlainRecord(counts)) return undefined;
  const quickCounts: Partial<Record<(typeof SIZE_CHANNELS)[number], number>> = {};
  let channels = 0;
  for (const key of Object.keys(counts)) {
    const channel = SIZE_CHANNELS.find((c) => c === key);
    const value = counts[key];
    if (channel === undefined || !isCount(value)) return undefined;
    quickCounts[channel] = value;
    channels++;
  }
  return channels === 0 ? undefined : { ts, volume_l, counts: quickCounts, seq };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNonNegative = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isQuickSeq = (value: unknown): value is number | undefined => value === undefined || isCount(value);
/** A string ts (ISO 8601) is left to the schema: its format check is the slow part anyway. */
const isQuickTimestamp = (value: unknown): value is number | undefined => value === undefined || (Number.isSafeInteger(value) && (value as number) >= EARLIEST_PLAUSIBLE_MS);
