// InfluxQL for the store's reads (served at /query by InfluxDB 1.x, 2.x via DBRP and 3.x): literal
// escaping, time bounds and one builder per port method. Pure: strings in, strings out.
import type { RollupPeriod } from '../../domain/water/rollup.ts';
import { BOUNDING_READING_MAX_DISTANCE_MS, type DeadLetterQuery, type RollupQuery, type TimeRange } from '../../ports/telemetry-store.ts';
import {
  DEAD_LETTER_FIELDS,
  DEAD_LETTER_MEASUREMENT,
  DEAD_LETTER_TAGS,
  METER_FIELDS,
  METER_MEASUREMENT,
  METER_TAGS,
  PARTICLE_FIELDS,
  PARTICLE_MEASUREMENT,
  PARTICLE_TAGS,
  REPLACEMENT_MEASUREMENT,
  REPLACEMENT_TAGS,
  ROLLUP_FIELDS,
  ROLLUP_MEASUREMENT,
  ROLLUP_TAGS,
} from './schema.ts';

/** One series of an InfluxQL result, as the /query JSON has it. */
export interface InfluxqlSeries {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: readonly (readonly unknown[])[];
}

/** InfluxDB keeps int64 ns since the epoch; bounds beyond that are clamped, not rejected. */
const MAX_TIME_MS = 9_223_372_036_853;
const MIN_TIME_MS = -9_223_372_036_853;
const DECIMAL_NS = /^-?(0|[1-9][0-9]{0,18})$/;

/** A single-quoted string literal: the InfluxQL scanner knows `\\`, `\'` and `\n`, and refuses a raw line break. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/[\\'\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}'`;
}

/**
 * `tag = 'value'`. The InfluxQL scanner turns a carriage return into a line break, which no string
 * literal may hold, so such a value is matched by an anchored regex that spells every character
 * that is not a letter or digit as \x{…} (RE2), the slow path kept for these rare values.
 */
export function tagEquals(tag: string, value: string): string {
  if (!value.includes('\r')) return `${tag} = ${stringLiteral(value)}`;
  let pattern = '';
  for (const char of value) pattern += /^[A-Za-z0-9]$/.test(char) ? char : `\\x{${(char.codePointAt(0) ?? 0).toString(16)}}`;
  return `${tag} =~ /^${pattern}$/`;
}

function msLiteral(ms: number, what: string): string {
  if (ms === Number.POSITIVE_INFINITY) return `${MAX_TIME_MS}ms`;
  if (ms === Number.NEGATIVE_INFINITY) return `${MIN_TIME_MS}ms`;
  if (!Number.isInteger(ms)) throw new RangeError(`${what} must be an integer number of milliseconds, got ${ms}`);
  return `${Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, ms))}ms`;
}

/** Half-open [fromMs, toMs), as the port defines ranges. */
export function timeRangeCondition(range: TimeRange): string {
  return `time >= ${msLiteral(range.fromMs, 'fromMs')} AND time < ${msLiteral(range.toMs, 'toMs')}`;
}

export function meterReadingsQuery(meterId: string, range: TimeRange): string {
  return `SELECT * FROM ${METER_MEASUREMENT} WHERE ${tagEquals(METER_TAGS.meter, meterId)} AND ${timeRangeCondition(range)}`;
}

export function particleSamplesQuery(filter: { roomId: string; counterId?: string }, range: TimeRange): string {
  const counter = filter.counterId === undefined ? '' : ` AND ${tagEquals(PARTICLE_TAGS.counter, filter.counterId)}`;
  return `SELECT * FROM ${PARTICLE_MEASUREMENT} WHERE ${tagEquals(PARTICLE_TAGS.room, filter.roomId)}${counter} AND ${timeRangeCondition(range)}`;
}

/**
 * GROUP BY time() buckets start at multiples of the interval since the epoch (no offset), even a
 * first bucket that starts before fromMs; fill(none) leaves empty buckets out.
 */
export function meterFlowQuery(meterId: string, range: TimeRange, everyMs: number): string {
  if (!Number.isSafeInteger(everyMs) || everyMs <= 0) throw new RangeError(`everyMs must be a positive integer, got ${everyMs}`);
  const f = METER_FIELDS;
  return (
    `SELECT mean(${f.flow}) AS mean, last(${f.totalizer}) AS last, count(${f.flow}) AS count FROM ${METER_MEASUREMENT}` +
    ` WHERE ${tagEquals(METER_TAGS.meter, meterId)} AND ${timeRangeCondition(range)} GROUP BY time(${everyMs}ms) fill(none)`
  );
}

/**
 * Two statements: the meter's last reading before fromMs, then its first at or after toMs. Without
 * GROUP BY the meter's series (one per role and zone it ever had) merge, so LIMIT 1 spans them all.
 */
export function boundingReadingsQuery(meterId: string, range: TimeRange): string {
  const meter = tagEquals(METER_TAGS.meter, meterId);
  const reach = BOUNDING_READING_MAX_DISTANCE_MS;
  return (
    `SELECT * FROM ${METER_MEASUREMENT} WHERE ${meter} AND time >= ${msLiteral(range.fromMs - reach, 'fromMs')} AND time < ${msLiteral(range.fromMs, 'fromMs')} ORDER BY time DESC LIMIT 1; ` +
    `SELECT * FROM ${METER_MEASUREMENT} WHERE ${meter} AND time >= ${msLiteral(range.toMs, 'toMs')} AND time < ${msLiteral(range.toMs + reach, 'toMs')} ORDER BY time ASC LIMIT 1`
  );
}

/** Undefined for an empty meterIds: no meter can match, and InfluxQL has no empty OR list. */
function rollupConditions({ period, range, meterIds }: RollupQuery): string | undefined {
  const conditions = [tagEquals(ROLLUP_TAGS.period, period), timeRangeCondition(range)];
  if (meterIds !== undefined) {
    if (meterIds.length === 0) return undefined;
    conditions.push(`(${meterIds.map((id) => tagEquals(ROLLUP_TAGS.meter, id)).join(' OR ')})`);
  }
  return conditions.join(' AND ');
}

/** Undefined: nothing to ask (an empty meterIds). */
export function rollupsQuery(query: RollupQuery): string | undefined {
  const where = rollupConditions(query);
  return where === undefined ? undefined : `SELECT * FROM ${ROLLUP_MEASUREMENT} WHERE ${where}`;
}

/** One row per meter, columns named after the fields they sum; undefined: nothing to ask. */
export function rollupSumQuery(query: RollupQuery): string | undefined {
  const where = rollupConditions(query);
  const f = ROLLUP_FIELDS;
  return where === undefined
    ? undefined
    : `SELECT sum(${f.volumeMl}) AS ${f.volumeMl}, sum(${f.coveredMs}) AS ${f.coveredMs}, count(${f.volumeMl}) AS rollup_count,` +
        ` sum(${f.unexplainedResets}) AS ${f.unexplainedResets} FROM ${ROLLUP_MEASUREMENT} WHERE ${where} GROUP BY ${ROLLUP_TAGS.meter}`;
}

/** A selector without GROUP BY time() answers with the time of the point it picked (checked on 1.6.7). */
export function latestRollupQuery(period: RollupPeriod): string {
  return `SELECT last(${ROLLUP_FIELDS.volumeMl}) FROM ${ROLLUP_MEASUREMENT} WHERE ${tagEquals(ROLLUP_TAGS.period, period)}`;
}

export function replacementsQuery(meterId?: string): string {
  const where = meterId === undefined ? '' : ` WHERE ${tagEquals(REPLACEMENT_TAGS.meter, meterId)}`;
  return `SELECT * FROM ${REPLACEMENT_MEASUREMENT}${where}`;
}

/** Counts a field every point of the kind has. */
export function countQuery(kind: 'meter' | 'particle', range: TimeRange): string {
  const [measurement, field] = kind === 'meter' ? [METER_MEASUREMENT, METER_FIELDS.flow] : [PARTICLE_MEASUREMENT, PARTICLE_FIELDS.volume];
  return `SELECT count(${field}) AS count FROM ${measurement} WHERE ${timeRangeCondition(range)}`;
}

/**
 * Two statements: the newest point per meter, then per room + counter. Grouping by the device tags
 * only (not role/zone) keeps one reading per device even if its role or zone was ever changed.
 */
export function latestReadingsQuery(): string {
  return (
    `SELECT * FROM ${METER_MEASUREMENT} GROUP BY ${METER_TAGS.meter} ORDER BY time DESC LIMIT 1; ` +
    `SELECT * FROM ${PARTICLE_MEASUREMENT} GROUP BY ${PARTICLE_TAGS.room}, ${PARTICLE_TAGS.counter} ORDER BY time DESC LIMIT 1`
  );
}

export const DEFAULT_DEAD_LETTER_LIMIT = 100;

/** Newest first. Ids are ns times, so beforeId pages with a plain time bound. Undefined: nothing to ask. */
export function deadLettersQuery(query: DeadLetterQuery): string | undefined {
  const limit = query.limit ?? DEFAULT_DEAD_LETTER_LIMIT;
  if (!Number.isInteger(limit)) throw new RangeError(`limit must be an integer, got ${limit}`);
  // InfluxQL reads LIMIT 0 as "no limit".
  if (limit <= 0) return undefined;
  const conditions: string[] = [];
  const status = query.status ?? 'pending';
  if (status !== 'all') conditions.push(`${DEAD_LETTER_FIELDS.status} = ${stringLiteral(status)}`);
  if (query.reason !== undefined) conditions.push(tagEquals(DEAD_LETTER_TAGS.reason, query.reason));
  if (query.beforeId !== undefined) {
    if (!DECIMAL_NS.test(query.beforeId)) throw new RangeError(`beforeId must be a dead letter id (decimal ns), got ${JSON.stringify(query.beforeId)}`);
    conditions.push(`time < ${query.beforeId}`);
  }
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return `SELECT * FROM ${DEAD_LETTER_MEASUREMENT}${where} ORDER BY time DESC LIMIT ${limit}`;
}
