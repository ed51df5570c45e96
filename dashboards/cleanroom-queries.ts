// InfluxQL of the cleanroom dashboard and of the Grafana-managed action-level rules: particle_sample
// (telemetry adapter) and alarm_transition (alarm adapter), names taken from their schema modules.
import { TRANSITION_FIELDS, TRANSITION_MEASUREMENT, TRANSITION_TAGS } from '../core/adapters/influx-alarms/alarm-schema.ts';
import { concentrationField, PARTICLE_FIELDS, PARTICLE_MEASUREMENT, PARTICLE_TAGS } from '../core/adapters/influx/schema.ts';
import type { SizeChannel } from '../core/domain/readings.ts';
import { literalAlternation, type LevelGroup } from './cleanroom-levels.ts';
import { ident, INTERVAL, tagIs, tagMatchesVariable, TIME_FILTER } from './influxql.ts';

export const ROOM_VARIABLE = 'room';

const ROOM = tagMatchesVariable(PARTICLE_TAGS.room, ROOM_VARIABLE);
const SAMPLES = ident(PARTICLE_MEASUREMENT);
const TRANSITIONS = ident(TRANSITION_MEASUREMENT);

/** The highest concentration per interval and counter: an excursion must not be averaged away. */
export function concentration(channel: SizeChannel): string {
  return `SELECT max(${ident(concentrationField(channel))}) AS "concentration" FROM ${SAMPLES} WHERE ${ROOM} AND ${TIME_FILTER}
    GROUP BY time(${INTERVAL}), ${ident(PARTICLE_TAGS.room)}, ${ident(PARTICLE_TAGS.counter)} fill(none)`;
}

/**
 * A level as a constant series over the intervals the group's counters sampled: `max(x) * 0 + level`.
 * A line per room follows the room selection, which a panel-wide threshold could not.
 */
export function levelLine(channel: SizeChannel, group: LevelGroup): string {
  const where = [tagIs(PARTICLE_TAGS.room, group.roomId), ROOM];
  if (!group.allCounters) where.push(`${ident(PARTICLE_TAGS.counter)} =~ ${literalAlternation(group.counterIds)}`);
  return `SELECT max(${ident(concentrationField(channel))}) * 0 + ${group.perM3} AS "level" FROM ${SAMPLES}
    WHERE ${where.join(' AND ')} AND ${TIME_FILTER} GROUP BY time(${INTERVAL}) fill(none)`;
}

/**
 * Raw transitions per alarm key: a state timeline holds each state until the next transition.
 * A stale alarm has no channel tag.
 */
export function alarmStates(): string {
  return `SELECT ${ident(TRANSITION_FIELDS.stateCode)} FROM ${TRANSITIONS} WHERE ${tagMatchesVariable(TRANSITION_TAGS.room, ROOM_VARIABLE)} AND ${TIME_FILTER}
    GROUP BY ${[TRANSITION_TAGS.room, TRANSITION_TAGS.counter, TRANSITION_TAGS.kind, TRANSITION_TAGS.channel].map(ident).join(', ')}`;
}

const TRANSITION_COLUMNS = [
  TRANSITION_FIELDS.alarmId,
  TRANSITION_FIELDS.cause,
  TRANSITION_FIELDS.fromState,
  TRANSITION_TAGS.toState,
  TRANSITION_TAGS.severity,
  TRANSITION_TAGS.counter,
  TRANSITION_TAGS.channel,
  TRANSITION_FIELDS.actor,
  TRANSITION_FIELDS.comment,
  TRANSITION_FIELDS.concentrationPerM3,
  TRANSITION_FIELDS.levelPerM3,
] as const;

/** The ISA-18.2 audit trail, newest first. */
export function alarmTransitions(limit: number): string {
  return `SELECT ${TRANSITION_COLUMNS.map(ident).join(', ')} FROM ${TRANSITIONS}
    WHERE ${tagMatchesVariable(TRANSITION_TAGS.room, ROOM_VARIABLE)} AND ${TIME_FILTER} ORDER BY time DESC LIMIT ${limit}`;
}

export const ANNOTATION_COLUMNS = {
  title: TRANSITION_FIELDS.alarmId,
  text: TRANSITION_FIELDS.cause,
  tags: [TRANSITION_TAGS.severity, TRANSITION_TAGS.kind, TRANSITION_TAGS.counter, TRANSITION_TAGS.channel, TRANSITION_TAGS.toState],
} as const;

export function alarmAnnotations(): string {
  const columns = [ANNOTATION_COLUMNS.title, ANNOTATION_COLUMNS.text, ...ANNOTATION_COLUMNS.tags];
  return `SELECT ${columns.map(ident).join(', ')} FROM ${TRANSITIONS} WHERE ${tagMatchesVariable(TRANSITION_TAGS.room, ROOM_VARIABLE)} AND ${TIME_FILTER}`;
}

/** The newest sample of every counter: its own time is when the counter was last heard from. */
export function countersLastSeen(): string {
  return `SELECT last(${ident(PARTICLE_FIELDS.volume)}) AS ${ident(PARTICLE_FIELDS.volume)}, ${ident(PARTICLE_FIELDS.seq)} FROM ${SAMPLES}
    WHERE ${ROOM} AND ${TIME_FILTER} GROUP BY ${ident(PARTICLE_TAGS.room)}, ${ident(PARTICLE_TAGS.counter)}`;
}

export function samplesPerCounter(): string {
  return `SELECT count(${ident(PARTICLE_FIELDS.volume)}) AS "samples" FROM ${SAMPLES} WHERE ${ROOM} AND ${TIME_FILTER}
    GROUP BY ${ident(PARTICLE_TAGS.room)}, ${ident(PARTICLE_TAGS.counter)}`;
}

/** For an alert rule: every sample of the group's counters in the rule's window, per counter. */
export function ruleConcentration(channel: SizeChannel, group: LevelGroup): string {
  const where = [tagIs(PARTICLE_TAGS.room, group.roomId)];
  if (!group.allCounters) where.push(`${ident(PARTICLE_TAGS.counter)} =~ ${literalAlternation(group.counterIds)}`);
  return `SELECT ${ident(concentrationField(channel))} FROM ${SAMPLES} WHERE ${where.join(' AND ')} AND ${TIME_FILTER} GROUP BY ${ident(PARTICLE_TAGS.counter)}`;
}
