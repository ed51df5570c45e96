// Response and query schemas shared by several routes; the OpenAPI document is generated from them.
import { z } from 'zod';
import { DEAD_LETTER_REASONS, DEAD_LETTER_STATUSES } from '../../core/domain/dead-letter.ts';
import { METER_ROLES, QUALITIES, SIZE_CHANNELS } from '../../core/domain/readings.ts';

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const meterReadingSchema = z.object({
  kind: z.literal('meter'),
  meterId: z.string(),
  role: z.enum(METER_ROLES),
  zone: z.string(),
  tsMs: z.number(),
  flowM3PerHour: z.number(),
  totalizerM3: z.number().optional(),
  quality: z.enum(QUALITIES),
  seq: z.number().int().optional(),
});

export const particleSampleSchema = z.object({
  kind: z.literal('particle'),
  roomId: z.string(),
  counterId: z.string(),
  tsMs: z.number(),
  volumeLitres: z.number(),
  counts: z.partialRecord(z.enum(SIZE_CHANNELS), z.number()),
  seq: z.number().int().optional(),
});

export const readingSchema = z.discriminatedUnion('kind', [meterReadingSchema, particleSampleSchema]);

export const deadLetterSchema = z.object({
  id: z.string(),
  receivedAtMs: z.number(),
  topic: z.string(),
  reason: z.enum(DEAD_LETTER_REASONS),
  detail: z.string(),
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  payloadBytes: z.number().int(),
  truncated: z.boolean(),
  status: z.enum(DEAD_LETTER_STATUSES),
});
