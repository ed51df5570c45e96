// Query and response schemas of the water routes (the OpenAPI document is generated from them).
import { z } from 'zod';
import { METER_ROLES } from '../../../core/domain/readings.ts';

const instant = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,16}$/, 'epoch milliseconds')])
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

export const WINDOWS = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export const EVERY = { '15m': 15 * 60_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export const SERIES_KPIS = ['recyclingRate', 'recycledShare', 'reuseFactor', 'balanceGap', 'influent', 'recycled', 'reject', 'tap'] as const;

const format = z.enum(['json', 'csv']).default('json');

const fromTo = { from: instant.optional(), to: instant.optional() };
const orderedRange = <T extends { from?: number; to?: number }>(q: T) => q.from === undefined || q.to === undefined || q.from < q.to;

export const kpiQuery = z
  .strictObject({ window: z.enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS]).optional(), ...fromTo, format })
  .refine((q) => !(q.window && (q.from !== undefined || q.to !== undefined)), { message: 'give either window or from/to, not both', path: ['window'] })
  .refine(orderedRange, { message: 'from must be before to', path: ['from'] });

export const seriesQuery = z
  .strictObject({ kpi: z.enum(SERIES_KPIS), every: z.enum(Object.keys(EVERY) as [keyof typeof EVERY]).default('1h'), ...fromTo, format })
  .refine(orderedRange, { message: 'from must be before to', path: ['from'] });

export const totalsQuery = z
  .strictObject({ period: z.enum(['day', 'month', 'year']), ...fromTo, format })
  .refine(orderedRange, { message: 'from must be before to', path: ['from'] });

export const formatQuery = z.strictObject({ format });

const ratio = z.object({
  value: z.number().nullable(),
  reason: z.enum(['zero_denominator', 'stale_meter']).optional(),
  staleMeters: z.array(z.string()).optional(),
});

const scope = z.object({
  volumesM3: z.object({ influent: z.number(), recycled: z.number(), reject: z.number(), tap: z.number() }),
  recyclingRate: ratio,
  recycledShare: ratio,
  reuseFactor: ratio,
  balanceGap: ratio,
});

export const waterReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  plant: scope,
  zones: z.record(z.string(), scope),
  provisional: z.boolean(),
  formulas: z.record(z.string(), z.string()),
  meters: z.array(
    z.object({
      meterId: z.string(),
      role: z.enum(METER_ROLES),
      zone: z.string(),
      method: z.enum(['totalizer', 'integrated_flow']),
      coverage: z.number(),
      provisional: z.boolean(),
      unexplainedResets: z.number().int(),
      stale: z.boolean(),
    }),
  ),
});

export const seriesResponse = z.object({
  kpi: z.enum(SERIES_KPIS),
  every: z.string(),
  points: z.array(z.object({ from: z.string(), to: z.string(), value: z.number().nullable(), reason: z.string().optional(), coverage: z.number() })),
});

export const totalsResponse = z.object({ period: z.enum(['day', 'month', 'year']), totals: z.array(waterReportSchema.extend({ label: z.string() })) });

export const tonnageResponse = z.object({
  tonnes: z.number(),
  asOf: z.string(),
  openingBalanceTonnes: z.number(),
  measuredTonnes: z.number(),
  densityTonnesPerM3: z.number(),
  meters: z.array(z.string()),
  formula: z.string(),
  provisional: z.boolean(),
  coverage: z.number(),
});

export const milestonesResponse = z.object({
  stepTonnes: z.number(),
  currentTonnes: z.number(),
  asOf: z.string(),
  crossed: z.array(z.object({ tonnes: z.number(), crossedAt: z.string() })),
  next: z.array(z.object({ tonnes: z.number(), projectedAt: z.string().nullable() })),
  trailingTonnesPerDay: z.number(),
  equivalences: z.array(z.object({ name: z.string(), tonnes: z.number(), multiple: z.number() })),
  provisional: z.boolean(),
});

export const replacementBody = z.strictObject({
  at: z.iso.datetime({ offset: true }),
  oldFinalM3: z.number().nonnegative(),
  newInitialM3: z.number().nonnegative(),
  comment: z.string().trim().min(1, 'say why the meter was replaced').max(2000),
});

/** Raw readings are read for this: at most 31 days. */
export const resetsQuery = z
  .strictObject({ ...fromTo, format })
  .refine(orderedRange, { message: 'from must be before to', path: ['from'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.to - q.from <= 31 * 86_400_000, { message: 'at most 31 days', path: ['to'] });

export const resetsResponse = z.object({
  resets: z.array(z.object({ meterId: z.string(), at: z.string(), beforeM3: z.number(), afterM3: z.number() })),
});
