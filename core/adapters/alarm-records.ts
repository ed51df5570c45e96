// What both AlarmStore adapters share: the deterministic key that makes re-saving a transition a no-op,
// the room each transition belongs to, and validation of the JSON records read back.
import { z } from 'zod';
import {
  ALARM_KINDS,
  ALARM_SEVERITIES,
  ALARM_STATES,
  TRANSITION_CAUSES,
  type AlarmInstance,
  type AlarmTransition,
} from '../domain/cleanroom/alarm-types.ts';
import type { AlarmChange } from '../ports/alarm-store.ts';
import { alarmSchema } from '../domain/cleanroom/engine-snapshot.ts';

/** A transition ready to store: its key and the alarm it belongs to (for room, counter, channel). */
export interface KeyedTransition {
  readonly key: string;
  readonly transition: AlarmTransition;
  readonly alarm: AlarmInstance;
}

/**
 * Keys from the transition's content, since the domain numbers neither alarms' transitions nor engine
 * calls. conditionAtMs (the sample time) tells apart condition changes of one alarm in one millisecond,
 * the `#n` suffix identical transitions within one change. Identical transitions of one alarm in one
 * millisecond but different changes (shelve, unshelve, shelve again within 1 ms) would collapse into one.
 */
export function keyTransitions(change: Pick<AlarmChange, 'alarms' | 'transitions'>): KeyedTransition[] {
  const alarms = new Map(change.alarms.map((alarm) => [alarm.id, alarm]));
  const seen = new Map<string, number>();
  return change.transitions.map((transition) => {
    const alarm = alarms.get(transition.alarmId);
    if (alarm === undefined) throw new Error(`transition of alarm "${transition.alarmId}" saved without that alarm among the change's alarms`);
    const t = transition;
    const content = `${t.alarmId}|${t.atMs}|${t.cause}|${t.from}>${t.to}${t.conditionAtMs === null ? '' : `|c${t.conditionAtMs}`}`;
    const occurrence = seen.get(content) ?? 0;
    seen.set(content, occurrence + 1);
    return { key: occurrence === 0 ? content : `${content}#${occurrence}`, transition, alarm };
  });
}

/** A stored record that does not parse: written by another build, or damaged. */
export class AlarmRecordError extends Error {
  readonly code = 'ALARM_RECORD_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AlarmRecordError';
  }
}

const ms = z.number().finite();
const perM3 = z.number().finite().nullable();
const severity = z.enum(ALARM_SEVERITIES);
const state = z.enum(ALARM_STATES);

const transitionSchema: z.ZodType<AlarmTransition> = z.strictObject({
  alarmId: z.string().min(1),
  key: z.string().min(1),
  kind: z.enum(ALARM_KINDS),
  atMs: ms,
  actor: z.string(),
  comment: z.string().nullable(),
  cause: z.enum(TRANSITION_CAUSES),
  from: state,
  to: state,
  severity,
  conditionActive: z.boolean(),
  suppressed: z.boolean(),
  conditionAtMs: ms.nullable(),
  concentrationPerM3: perM3,
  levelPerM3: perM3,
});

export function parseStoredAlarm(json: string): AlarmInstance {
  return parseStored(alarmSchema, json, 'alarm');
}

export function parseStoredTransition(json: string): AlarmTransition {
  return parseStored(transitionSchema, json, 'alarm transition');
}

function parseStored<T>(schema: z.ZodType<T>, json: string, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new AlarmRecordError(`stored ${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new AlarmRecordError(`stored ${what} is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** A limit as the port takes it: a non-negative integer, or absent for all. */
export function checkedLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}
