// `?from=&to=` as ISO-8601 or epoch ms, defaulting to the last hour; from must precede to.
import { z } from 'zod';
import type { TimeRange } from '../../core/ports/telemetry-store.ts';

const HOUR_MS = 3_600_000;
const MAX_RANGE_MS = 31 * 24 * HOUR_MS;

const instant = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,16}$/, 'epoch milliseconds')]).transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

export const rangeQuery = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.to - q.from <= MAX_RANGE_MS, { message: 'a raw-reading range spans at most 31 days', path: ['to'] });

export function toTimeRange(query: z.output<typeof rangeQuery>, now = Date.now()): TimeRange {
  const toMs = query.to ?? now;
  return { fromMs: query.from ?? toMs - HOUR_MS, toMs };
}
