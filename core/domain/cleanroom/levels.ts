// Alert and action levels for particle monitoring (ISO 14644-2 practice): per room and size channel, a
// fraction of the ISO 14644-1 class limit or an absolute concentration, with per-counter overrides.
import { z } from 'zod';
import { SIZE_CHANNELS, type SizeChannel } from '../readings.ts';
import { channelSizeUm, classLimitPerM3 } from './iso14644.ts';

/** One level: a fraction of the class limit at that size, or an absolute concentration. */
const levelSpecSchema = z.union([
  z.strictObject({ fractionOfLimit: z.number().positive() }),
  z.strictObject({ perM3: z.number().positive() }),
]);

/** `null` switches a level off explicitly, overriding a default or the room's setting. */
const channelLevelSpecsSchema = z.strictObject({
  alert: levelSpecSchema.nullable().optional(),
  action: levelSpecSchema.nullable().optional(),
});

const channelMapSchema = z.partialRecord(z.enum(SIZE_CHANNELS), channelLevelSpecsSchema);

/** N of the last M samples above the level raises; M absent means N consecutive samples. */
const raiseRuleSchema = z
  .strictObject({ samples: z.int().min(1).max(100), window: z.int().min(1).max(100).optional() })
  .refine((rule) => rule.window === undefined || rule.window >= rule.samples, { message: 'window (M) must be at least samples (N)', path: ['window'] });

const ruleOverrideShape = {
  alertFraction: z.number().positive().optional(),
  actionFraction: z.number().positive().optional(),
  channels: channelMapSchema.optional(),
  alertRaise: raiseRuleSchema.optional(),
  actionRaise: raiseRuleSchema.optional(),
  /** K: consecutive samples below level × (1 − hysteresis) that clear an excursion. */
  clearAfterSamples: z.int().min(1).max(100).optional(),
  hysteresisFraction: z.number().min(0).lt(1).optional(),
  /** Silence longer than this many sample intervals raises the stale alarm. */
  staleAfterIntervals: z.number().min(1).optional(),
};

export const counterLevelsSchema = z.strictObject(ruleOverrideShape);

export const roomLevelsSchema = z.strictObject({
  alertFraction: z.number().positive().default(0.7),
  actionFraction: z.number().positive().default(1),
  channels: channelMapSchema.default({}),
  alertRaise: raiseRuleSchema.default({ samples: 2 }),
  actionRaise: raiseRuleSchema.default({ samples: 1 }),
  clearAfterSamples: z.int().min(1).max(100).default(3),
  hysteresisFraction: z.number().min(0).lt(1).default(0.1),
  staleAfterIntervals: z.number().min(1).default(3),
  /** Overrides by counter id; each field replaces the room's. */
  counters: z.record(z.string().min(1), counterLevelsSchema).default({}),
});

export type LevelSpec = z.infer<typeof levelSpecSchema>;
export type CounterLevelsConfig = z.infer<typeof counterLevelsSchema>;
export type RoomLevelsConfig = z.output<typeof roomLevelsSchema>;
export type RoomLevelsInput = z.input<typeof roomLevelsSchema>;

export const DEFAULT_ROOM_LEVELS: RoomLevelsConfig = Object.freeze(roomLevelsSchema.parse({}));

/** What the resolver needs of a room; the site schema's RoomConfig fits once it carries `levels`. */
export interface LevelledRoom {
  readonly id: string;
  readonly isoClass: number;
  readonly counters: readonly { readonly id: string }[];
  readonly levels?: RoomLevelsConfig | undefined;
}

/** Resolved levels of one channel, particles/m³; absent means no level. */
export interface ChannelLevels {
  readonly alertPerM3?: number;
  readonly actionPerM3?: number;
}

export type LevelsByChannel = Readonly<Record<SizeChannel, ChannelLevels>>;

export interface RaiseRule {
  readonly samples: number;
  readonly window: number;
}

export interface DetectionRules {
  readonly alertRaise: RaiseRule;
  readonly actionRaise: RaiseRule;
  readonly clearAfterSamples: number;
  readonly hysteresisFraction: number;
}

export interface CounterRules extends DetectionRules {
  readonly staleAfterIntervals: number;
}

const LEVEL_NAMES = ['alert', 'action'] as const;
type LevelName = (typeof LEVEL_NAMES)[number];

/** The alert and action levels of every size channel for one counter of a room, particles/m³. */
export function levelsFor(room: LevelledRoom, counterId: string): LevelsByChannel {
  const config = room.levels ?? DEFAULT_ROOM_LEVELS;
  const override = config.counters[counterId];
  const result: Partial<Record<SizeChannel, ChannelLevels>> = {};
  for (const channel of SIZE_CHANNELS) {
    const limit = classLimitPerM3(room.isoClass, channelSizeUm(channel));
    const alertPerM3 = resolveLevel(config, override, channel, 'alert', limit);
    const actionPerM3 = resolveLevel(config, override, channel, 'action', limit);
    result[channel] = { ...(alertPerM3 !== null && { alertPerM3 }), ...(actionPerM3 !== null && { actionPerM3 }) };
  }
  return result as LevelsByChannel;
}

/** The detection rules for one counter of a room: the room's, field by field overridden by the counter's. */
export function rulesFor(room: LevelledRoom, counterId: string): CounterRules {
  const config = room.levels ?? DEFAULT_ROOM_LEVELS;
  const override = config.counters[counterId] ?? {};
  const raise = (rule: { samples: number; window?: number | undefined }): RaiseRule => ({ samples: rule.samples, window: rule.window ?? rule.samples });
  return {
    alertRaise: raise(override.alertRaise ?? config.alertRaise),
    actionRaise: raise(override.actionRaise ?? config.actionRaise),
    clearAfterSamples: override.clearAfterSamples ?? config.clearAfterSamples,
    hysteresisFraction: override.hysteresisFraction ?? config.hysteresisFraction,
    staleAfterIntervals: override.staleAfterIntervals ?? config.staleAfterIntervals,
  };
}

function resolveLevel(config: RoomLevelsConfig, override: CounterLevelsConfig | undefined, channel: SizeChannel, name: LevelName, limit: number | null): number | null {
  const counterSpec = explicitSpec(override, channel, name);
  // Not `??`: a counter's null (switched off) must win over the room's level.
  const spec = counterSpec !== undefined ? counterSpec : explicitSpec(config, channel, name);
  if (spec === null) return null;
  if (spec !== undefined) return 'perM3' in spec ? spec.perM3 : limit === null ? null : fractionOf(spec.fractionOfLimit, limit);
  // Where the class sets no limit there is nothing to take a fraction of: no level unless absolute.
  if (limit === null) return null;
  const fraction = name === 'alert' ? (override?.alertFraction ?? config.alertFraction) : (override?.actionFraction ?? config.actionFraction);
  return fractionOf(fraction, limit);
}

/** 0.7 × 3 520 000 is 2 464 000, not 2 463 999.9999999995: twelve figures drop binary noise, nothing real. */
function fractionOf(fraction: number, limitPerM3: number): number {
  return Number((fraction * limitPerM3).toPrecision(12));
}

/** undefined: not configured here; null: explicitly off. */
function explicitSpec(config: { readonly channels?: z.infer<typeof channelMapSchema> | undefined } | undefined, channel: SizeChannel, name: LevelName): LevelSpec | null | undefined {
  return config?.channels?.[channel]?.[name];
}

export interface LevelProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every problem of a room's level configuration that needs the class or the counter list, so a
 * site-schema refinement can report them all together: fractions of a limit the class does not set,
 * overrides of unknown counters, alert levels not below action levels.
 */
export function levelProblems(room: LevelledRoom): LevelProblem[] {
  const config = room.levels;
  if (config === undefined) return [];
  const problems: LevelProblem[] = [];
  const counterIds = new Set(room.counters.map((c) => c.id));
  for (const id of Object.keys(config.counters)) {
    if (!counterIds.has(id)) problems.push({ path: ['counters', id], message: `counter "${id}" is not in room "${room.id}"` });
  }
  problems.push(...fractionWithoutLimit(room.isoClass, config.channels, ['channels']));
  for (const [id, override] of Object.entries(config.counters)) problems.push(...fractionWithoutLimit(room.isoClass, override.channels, ['counters', id, 'channels']));
  for (const counter of room.counters) {
    const levels = levelsFor(room, counter.id);
    for (const channel of SIZE_CHANNELS) {
      const { alertPerM3, actionPerM3 } = levels[channel];
      if (alertPerM3 !== undefined && actionPerM3 !== undefined && alertPerM3 >= actionPerM3) {
        const override = config.counters[counter.id];
        const overridden = override?.channels?.[channel] !== undefined || override?.alertFraction !== undefined || override?.actionFraction !== undefined;
        problems.push({ path: overridden ? ['counters', counter.id] : ['channels', channel], message: `alert level ${alertPerM3}/m³ must be below action level ${actionPerM3}/m³ (counter "${counter.id}", ≥${channel} µm)` });
      }
    }
  }
  return problems;
}

function fractionWithoutLimit(isoClass: number, channels: z.infer<typeof channelMapSchema> | undefined, path: readonly string[]): LevelProblem[] {
  const problems: LevelProblem[] = [];
  for (const channel of SIZE_CHANNELS) {
    if (classLimitPerM3(isoClass, channelSizeUm(channel)) !== null) continue;
    for (const name of LEVEL_NAMES) {
      const spec = channels?.[channel]?.[name];
      if (spec && 'fractionOfLimit' in spec) {
        problems.push({ path: [...path, channel, name], message: `ISO class ${isoClass} sets no limit at ≥${channel} µm: give this level as perM3` });
      }
    }
  }
  return problems;
}
