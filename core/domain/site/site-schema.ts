// The site configuration: which meters and rooms exist and what they mean. Roles and zones are
// configuration, never payload; an unknown device is a bad message, not a new series.
import { z } from 'zod';
import { levelProblems, roomLevelsSchema } from '../cleanroom/levels.ts';
import { METER_ROLES } from '../readings.ts';

/** Ids become MQTT topic levels, store tags and URL segments: keep them to a safe alphabet. */
const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1–64 characters: letters, digits, "_", "." or "-", starting with a letter or digit');

const meterSchema = z.strictObject({
  id: identifier,
  name: z.string().min(1).optional(),
  role: z.enum(METER_ROLES),
  zone: identifier,
  hasTotalizer: z.boolean(),
  /** The totalizer rolls over to 0 when it reaches this value (m³). */
  totalizerWrapM3: z.number().positive().optional(),
  nominalFlowM3PerHour: z.number().positive().optional(),
  /** Meters commissioned later (Zone 2 in 2019) contribute only from then on. */
  installedAt: z.iso.datetime({ offset: true }).optional(),
});

const counterSchema = z.strictObject({
  id: identifier,
  name: z.string().min(1).optional(),
  /** Commonly 28.3 L/min (1 ft³/min). */
  sampleFlowLitresPerMinute: z.number().positive().default(28.3),
  sampleIntervalSeconds: z.number().positive().default(60),
});

const roomSchema = z.strictObject({
  id: identifier,
  name: z.string().min(1).optional(),
  /** ISO 14644-1 class number (1–9; Class 100K of FED-STD-209E ≈ ISO 8). */
  isoClass: z.number().min(1).max(9),
  counters: z.array(counterSchema).min(1),
  /** Alert and action levels, detection rules and overrides per counter (defaults: 70 % / 100 % of the class limit). */
  levels: roomLevelsSchema.optional(),
});

const zoneSchema = z.strictObject({ id: identifier, name: z.string().min(1) });

const equivalenceSchema = z.strictObject({
  /** "one month of Kaohsiung residents' water" */
  name: z.string().min(1),
  tonnes: z.number().positive(),
});

/** How water volumes become the figures PR teams quote. */
const waterSchema = z.strictObject({
  densityTonnesPerM3: z.number().positive().default(1),
  /** Recycled volume saved before the first measured reading (commissioning to data start). */
  openingBalanceM3: z.number().nonnegative().default(0),
  milestoneStepTonnes: z.number().positive().default(1_000_000),
  equivalences: z.array(equivalenceSchema).default([]),
  /** Readings further apart than this do not count as coverage. */
  coverageGapMinutes: z.number().positive().default(30),
  /** A meter silent for longer makes the live ratios using its role null. */
  meterStaleAfterMinutes: z.number().positive().default(10),
});

export const siteSchema = z
  .strictObject({
    name: z.string().min(1),
    timezone: z.string().min(1).default('Asia/Taipei'),
    commissionedAt: z.iso.datetime({ offset: true }),
    zones: z.array(zoneSchema).min(1),
    meters: z.array(meterSchema).min(1),
    rooms: z.array(roomSchema),
    water: waterSchema.prefault({}),
  })
  .superRefine((site, ctx) => {
    reportDuplicates(site.meters.map((m) => m.id), 'meters', ctx);
    reportDuplicates(site.rooms.map((r) => r.id), 'rooms', ctx);
    for (const [i, room] of site.rooms.entries()) reportDuplicates(room.counters.map((c) => c.id), `rooms.${i}.counters`, ctx);
    for (const [i, room] of site.rooms.entries()) {
      for (const p of levelProblems(room)) ctx.addIssue({ code: 'custom', path: ['rooms', i, 'levels', ...p.path], message: p.message });
    }
    const zones = new Set(site.zones.map((z) => z.id));
    for (const [i, meter] of site.meters.entries()) {
      if (!zones.has(meter.zone)) ctx.addIssue({ code: 'custom', path: ['meters', i, 'zone'], message: `zone "${meter.zone}" is not in zones` });
    }
  });

export type SiteConfig = z.infer<typeof siteSchema>;
export type MeterConfig = SiteConfig['meters'][number];
export type RoomConfig = SiteConfig['rooms'][number];
export type CounterConfig = RoomConfig['counters'][number];

function reportDuplicates(ids: readonly string[], path: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: path.split('.'), message: `duplicate id "${id}"` });
    seen.add(id);
  }
}

/** Fast lookups of the site's devices, built once per configuration. */
export interface SiteIndex {
  readonly site: SiteConfig;
  meter(id: string): MeterConfig | undefined;
  room(id: string): RoomConfig | undefined;
  counter(roomId: string, counterId: string): CounterConfig | undefined;
}

export function indexSite(site: SiteConfig): SiteIndex {
  const meters = new Map(site.meters.map((m) => [m.id, m]));
  const rooms = new Map(site.rooms.map((r) => [r.id, r]));
  const counters = new Map(site.rooms.flatMap((r) => r.counters.map((c) => [`${r.id}/${c.id}`, c] as const)));
  return {
    site,
    meter: (id) => meters.get(id),
    room: (id) => rooms.get(id),
    counter: (roomId, counterId) => counters.get(`${roomId}/${counterId}`),
  };
}
