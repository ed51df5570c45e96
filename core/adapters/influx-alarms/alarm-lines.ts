// Alarm records → InfluxDB line protocol (schema in alarm-schema.ts). Pure; throws LineProtocolError for
// a value the protocol cannot carry, before anything is sent.
import type { AlarmInstance } from '../../domain/cleanroom/alarm-types.ts';
import type { CleanroomSnapshot } from '../../domain/cleanroom/engine-snapshot.ts';
import type { KeyedTransition } from '../alarm-records.ts';
import { booleanValue, buildLine, floatValue, integerValue, nsFromMs, stringValue, type Fields } from '../influx/line-protocol.ts';
import {
  ALARM_FIELDS as AF,
  ALARM_MEASUREMENT,
  ALARM_TAGS,
  SNAPSHOT_FIELDS,
  SNAPSHOT_MEASUREMENT,
  SNAPSHOT_TIME_NS,
  STATE_CODES,
  TRANSITION_FIELDS as TF,
  TRANSITION_MEASUREMENT,
  TRANSITION_TAGS,
} from './alarm-schema.ts';
import { snapshotParts } from './snapshot-chunks.ts';

/** timeNs from transitionTimes(): unique per transition. */
export function transitionLine({ key, transition: t, alarm }: KeyedTransition, timeNs: string): string {
  const fields: [string, string][] = [
    [TF.alarmId, stringValue(t.alarmId)],
    [TF.alarmKey, stringValue(t.key)],
    [TF.transitionKey, stringValue(key)],
    [TF.cause, stringValue(t.cause)],
    [TF.fromState, stringValue(t.from)],
    [TF.stateCode, integerValue(STATE_CODES[t.to], 'state code')],
    [TF.actor, stringValue(t.actor)],
  ];
  if (t.comment !== null) fields.push([TF.comment, stringValue(t.comment)]);
  fields.push([TF.conditionActive, booleanValue(t.conditionActive)], [TF.suppressed, booleanValue(t.suppressed)]);
  if (t.conditionAtMs !== null) fields.push([TF.conditionAtMs, integerValue(t.conditionAtMs, 'conditionAtMs')]);
  if (t.concentrationPerM3 !== null) fields.push([TF.concentrationPerM3, floatValue(t.concentrationPerM3, 'concentrationPerM3')]);
  if (t.levelPerM3 !== null) fields.push([TF.levelPerM3, floatValue(t.levelPerM3, 'levelPerM3')]);
  fields.push([TF.json, stringValue(JSON.stringify(t))]);
  const tags = [
    [TRANSITION_TAGS.room, alarm.roomId],
    [TRANSITION_TAGS.counter, alarm.counterId],
    [TRANSITION_TAGS.channel, alarm.channel ?? ''],
    [TRANSITION_TAGS.kind, t.kind],
    [TRANSITION_TAGS.severity, t.severity],
    [TRANSITION_TAGS.toState, t.to],
  ] as const;
  return buildLine(TRANSITION_MEASUREMENT, tags, fields, timeNs);
}

export function alarmLine(alarm: AlarmInstance): string {
  const fields: [string, string][] = [
    [AF.alarmId, stringValue(alarm.id)],
    [AF.alarmKey, stringValue(alarm.key)],
    [AF.state, stringValue(alarm.state)],
    [AF.stateCode, integerValue(STATE_CODES[alarm.state], 'state code')],
    [AF.severity, stringValue(alarm.severity)],
    [AF.conditionActive, booleanValue(alarm.conditionActive)],
  ];
  // Once set, neither goes back to null within one alarm, so a rewrite never leaves a stale value.
  if (alarm.peakPerM3 !== null) fields.push([AF.peakPerM3, floatValue(alarm.peakPerM3, 'peakPerM3')]);
  if (alarm.levelPerM3 !== null) fields.push([AF.levelPerM3, floatValue(alarm.levelPerM3, 'levelPerM3')]);
  fields.push([AF.json, stringValue(JSON.stringify(alarm))]);
  const tags = [
    [ALARM_TAGS.room, alarm.roomId],
    [ALARM_TAGS.counter, alarm.counterId],
    [ALARM_TAGS.channel, alarm.channel ?? ''],
    [ALARM_TAGS.kind, alarm.kind],
  ] as const;
  return buildLine(ALARM_MEASUREMENT, tags, fields, nsFromMs(alarm.raisedAt, 'raisedAt'));
}

export function snapshotLine(snapshot: CleanroomSnapshot): string {
  const parts = snapshotParts(JSON.stringify(snapshot));
  const fields: Fields = [[SNAPSHOT_FIELDS.parts, integerValue(parts.length, 'parts')], ...parts.map(([field, text]) => [field, stringValue(text)] as const)];
  return buildLine(SNAPSHOT_MEASUREMENT, [], fields, SNAPSHOT_TIME_NS);
}
