// InfluxQL for the alarm store's reads: one builder per port method. Pure: strings in, strings out.
// Ordering is by point time (raisedAt for alarms, atMs plus offset for transitions).
import type { AlarmListQuery, TransitionListQuery } from '../../ports/alarm-store.ts';
import { tagEquals, timeRangeCondition } from '../influx/influxql.ts';
import {
  ALARM_FIELDS,
  ALARM_MEASUREMENT,
  ALARM_TAGS,
  SNAPSHOT_MEASUREMENT,
  TRANSITION_FIELDS,
  TRANSITION_MEASUREMENT,
  TRANSITION_TAGS,
} from './alarm-schema.ts';

export function alarmByIdQuery(alarmId: string): string {
  // alarm_id is a field: an id per alarm would make a series per alarm as a tag.
  return `SELECT ${ALARM_FIELDS.json} FROM ${ALARM_MEASUREMENT} WHERE ${tagEquals(ALARM_FIELDS.alarmId, alarmId)}`;
}

/** Limit is a positive integer or absent: InfluxQL reads LIMIT 0 as "no limit", so the caller answers [] itself. */
export function alarmsQuery(query: AlarmListQuery, limit: number | undefined): string {
  const conditions: string[] = [];
  if (query.state === 'active') conditions.push(`${ALARM_FIELDS.stateCode} > 0`);
  if (query.roomId !== undefined) conditions.push(tagEquals(ALARM_TAGS.room, query.roomId));
  if (query.range !== undefined) conditions.push(timeRangeCondition(query.range));
  return `SELECT ${ALARM_FIELDS.json} FROM ${ALARM_MEASUREMENT}${where(conditions)} ORDER BY time DESC${limitClause(limit)}`;
}

export function transitionsQuery(query: TransitionListQuery, limit: number | undefined): string {
  const conditions: string[] = [];
  if (query.alarmId !== undefined) conditions.push(tagEquals(TRANSITION_FIELDS.alarmId, query.alarmId));
  if (query.roomId !== undefined) conditions.push(tagEquals(TRANSITION_TAGS.room, query.roomId));
  if (query.range !== undefined) conditions.push(timeRangeCondition(query.range));
  return `SELECT ${TRANSITION_FIELDS.json} FROM ${TRANSITION_MEASUREMENT}${where(conditions)} ORDER BY time ASC${limitClause(limit)}`;
}

/**
 * One statement per millisecond, since InfluxQL does not OR time ranges together. No epoch on
 * purpose: RFC 3339 times keep every ns digit, a JSON number above 2^53 would not.
 */
export function storedTransitionKeysQuery(msList: readonly number[]): string {
  return msList
    .map((ms) => `SELECT ${TRANSITION_FIELDS.transitionKey} FROM ${TRANSITION_MEASUREMENT} WHERE ${timeRangeCondition({ fromMs: ms, toMs: ms + 1 })}`)
    .join('; ');
}

export function snapshotQuery(): string {
  return `SELECT * FROM ${SNAPSHOT_MEASUREMENT}`;
}

function where(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}

function limitClause(limit: number | undefined): string {
  return limit === undefined ? '' : ` LIMIT ${limit}`;
}
