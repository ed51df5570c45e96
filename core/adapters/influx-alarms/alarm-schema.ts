// The InfluxDB schema of the alarm store: measurement, tag and field names shared by the encoder and
// the queries, and the integer state codes Grafana's state timeline colours.
import type { AlarmState } from '../../domain/cleanroom/alarm-types.ts';

/**
 * One point per transition, never overwritten by another: time is atMs plus a sub-millisecond offset
 * that orders transitions within one millisecond (transition-times.ts). Tags describe the alarm
 * and where the transition led; json is the record the store returns.
 */
export const TRANSITION_MEASUREMENT = 'alarm_transition';
export const TRANSITION_TAGS = { room: 'room', counter: 'counter', channel: 'channel', kind: 'kind', severity: 'severity', toState: 'to_state' } as const;
export const TRANSITION_FIELDS = {
  alarmId: 'alarm_id',
  alarmKey: 'alarm_key',
  transitionKey: 'transition_key',
  cause: 'cause',
  fromState: 'from_state',
  stateCode: 'state_code',
  actor: 'actor',
  comment: 'comment',
  conditionActive: 'condition_active',
  suppressed: 'suppressed',
  conditionAtMs: 'condition_at_ms',
  concentrationPerM3: 'concentration_per_m3',
  levelPerM3: 'level_per_m3',
  json: 'json',
} as const;

/**
 * The alarm as it is now: time is raisedAt and the tags never change for an alarm, so every save
 * overwrites the one point. Fields that can return to null (clearedAt, …) live in json only, since a
 * field left out of a rewrite would keep its old value.
 */
export const ALARM_MEASUREMENT = 'alarm';
export const ALARM_TAGS = { room: 'room', counter: 'counter', channel: 'channel', kind: 'kind' } as const;
export const ALARM_FIELDS = {
  alarmId: 'alarm_id',
  alarmKey: 'alarm_key',
  state: 'state',
  stateCode: 'state_code',
  severity: 'severity',
  conditionActive: 'condition_active',
  peakPerM3: 'peak_per_m3',
  levelPerM3: 'level_per_m3',
  json: 'json',
} as const;

/** One point at time 0, overwritten by every save; the JSON in `parts` string fields (snapshot-chunks.ts). */
export const SNAPSHOT_MEASUREMENT = 'alarm_engine_snapshot';
export const SNAPSHOT_TIME_NS = '0';
export const SNAPSHOT_FIELDS = { parts: 'parts', json: 'json' } as const;

/** For Grafana's state timeline: 0 normal … 4 shelved. Fixed numbers: dashboards map them to colours. */
export const STATE_CODES: Readonly<Record<AlarmState, number>> = {
  normal: 0,
  'active-unacknowledged': 1,
  'active-acknowledged': 2,
  'cleared-unacknowledged': 3,
  shelved: 4,
};
