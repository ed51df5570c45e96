// Schemas of the cleanroom routes: rooms with their status, samples, alarms and their audit trail.
import { z } from 'zod';
import { ALARM_KINDS, ALARM_SEVERITIES, ALARM_STATES, TRANSITION_CAUSES } from '../../../core/domain/cleanroom/alarm-types.ts';
import { SIZE_CHANNELS } from '../../../core/domain/readings.ts';

const instant = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,16}$/, 'epoch milliseconds')])
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));
const iso = z.string();

export const channelStatusSchema = z.object({
  channel: z.enum(SIZE_CHANNELS),
  classLimitPerM3: z.number().nullable(),
  worstPerM3: z.number().nullable(),
  worstCounterId: z.string().nullable(),
  worstAt: iso.nullable(),
  alertPerM3: z.number().nullable(),
  actionPerM3: z.number().nullable(),
  /** The fraction of the class limit, for colour scales. */
  fractionOfLimit: z.number().nullable(),
  status: z.enum(['normal', 'alert', 'action']),
});

export const roomSchema = z.object({
  roomId: z.string(),
  name: z.string().nullable(),
  isoClass: z.number(),
  status: z.enum(['normal', 'alert', 'stale', 'action']),
  channels: z.array(channelStatusSchema),
  staleCounterIds: z.array(z.string()),
  openAlarms: z.number().int(),
  unacknowledgedAlarms: z.number().int(),
  shelvedAlarms: z.number().int(),
});

export const alarmSchema = z.object({
  id: z.string(),
  key: z.string(),
  kind: z.enum(ALARM_KINDS),
  roomId: z.string(),
  counterId: z.string(),
  channel: z.enum(SIZE_CHANNELS).nullable(),
  severity: z.enum(ALARM_SEVERITIES),
  state: z.enum(ALARM_STATES),
  conditionActive: z.boolean(),
  raisedAt: iso,
  clearedAt: iso.nullable(),
  acknowledgedAt: iso.nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgeComment: z.string().nullable(),
  shelvedAt: iso.nullable(),
  shelvedBy: z.string().nullable(),
  shelveComment: z.string().nullable(),
  shelvedUntil: iso.nullable(),
  peakPerM3: z.number().nullable(),
  levelPerM3: z.number().nullable(),
});

export const transitionSchema = z.object({
  alarmId: z.string(),
  at: iso,
  actor: z.string(),
  comment: z.string().nullable(),
  cause: z.enum(TRANSITION_CAUSES),
  from: z.enum(ALARM_STATES),
  to: z.enum(ALARM_STATES),
  severity: z.enum(ALARM_SEVERITIES),
  conditionActive: z.boolean(),
  suppressed: z.boolean(),
  conditionAt: iso.nullable(),
  concentrationPerM3: z.number().nullable(),
  levelPerM3: z.number().nullable(),
});

export const alarmsQuery = z
  .strictObject({ state: z.enum(['active', 'all']).default('active'), room: z.string().optional(), from: instant.optional(), to: instant.optional(), limit: z.coerce.number().int().min(1).max(1000).default(200), format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const samplesQuery = z
  .strictObject({ from: instant.optional(), to: instant.optional(), every: z.enum(['raw', '1m', '5m', '15m', '1h']).default('raw'), format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] });

// No `by`: the actor in the audit trail is the caller's API key, never what the body claims.
export const ackBody = z.strictObject({ comment: z.string().trim().min(1, 'an acknowledgement needs the assignable cause').max(2000) });
export const shelveBody = z.strictObject({
  comment: z.string().trim().min(1, 'say why the alarm is shelved').max(2000),
  durationMinutes: z.number().positive().max(7 * 24 * 60, 'shelving is bounded: at most 7 days'),
});
