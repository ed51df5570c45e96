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
