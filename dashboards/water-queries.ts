// InfluxQL of the K14 engineering dashboard. Ratios across roles are one statement each: one subquery
// per role in FROM, each aliasing its column by the role name, so the outer SELECT divides sums.
import type { MeterRole } from '../core/domain/readings.ts';
import { METER_FIELDS, METER_MEASUREMENT, METER_TAGS, ROLLUP_FIELDS, ROLLUP_MEASUREMENT, ROLLUP_TAGS } from '../core/adapters/influx/schema.ts';
import { ident, INTERVAL, tagIs, tagMatchesVariable, TIME_FILTER } from './influxql.ts';

export const ZONE_VARIABLE = 'zone';

const ZONE = tagMatchesVariable(METER_TAGS.zone, ZONE_VARIABLE);
const FLOW = ident(METER_FIELDS.flow);
const ROLLUP_M3 = ident(ROLLUP_FIELDS.volumeM3);

interface RoleSource {
  /** Extra WHERE conditions of every role's subquery. */
  readonly where?: readonly string[];
  /** GROUP BY of the subqueries and of the outer statement, e.g. `time(1h)`; none for one value. */
  readonly every?: string;
  /** A tz() clause for local-day buckets, or ''. */
  readonly tz?: string;
}

/** How a per-period series is bucketed: GROUP BY time(…) and the tz() clause it may need. */
export interface Buckets {
  readonly groupBy: string;
  readonly tz: string;
}

/** Mean flow per meter over the window, summed per role by the outer query: the role's total flow. */
function flowSubquery(role: MeterRole, source: RoleSource): string {
  const where = [tagIs(METER_TAGS.role, role), ...(source.where ?? []), TIME_FILTER].join(' AND ');
  const groupBy = [source.every, ident(METER_TAGS.meter)].filter((part) => part !== undefined).join(', ');
  return `(SELECT mean(${FLOW}) AS ${ident(role)} FROM ${ident(METER_MEASUREMENT)} WHERE ${where} GROUP BY ${groupBy})`;
}

/** Rollup volume per period and role. */
function rollupSubquery(role: MeterRole, period: 'hour' | 'day', source: RoleSource): string {
  const where = [tagIs(ROLLUP_TAGS.period, period), tagIs(ROLLUP_TAGS.role, role), ...(source.where ?? []), TIME_FILTER].join(' AND ');
  const groupBy = source.every === undefined ? '' : ` GROUP BY ${source.every}${source.tz ?? ''}`;
  return `(SELECT sum(${ROLLUP_M3}) AS ${ident(role)} FROM ${ident(ROLLUP_MEASUREMENT)} WHERE ${where}${groupBy})`;
}

function outer(expression: string, alias: string, subqueries: readonly string[], buckets?: Buckets): string {
  const groupBy = buckets === undefined ? '' : ` GROUP BY ${buckets.groupBy} fill(none)${buckets.tz}`;
  return `SELECT ${expression} AS ${ident(alias)} FROM ${subqueries.join(', ')} WHERE ${TIME_FILTER}${groupBy}`;
}

const sum = (role: MeterRole): string => `sum(${ident(role)})`;

const RATIOS = {
  recyclingRate: { roles: ['recycled', 'influent'], expression: `${sum('recycled')} / ${sum('influent')}` },
  recycledShare: { roles: ['recycled', 'tap'], expression: `${sum('recycled')} / (${sum('recycled')} + ${sum('tap')})` },
  balanceGap: { roles: ['influent', 'recycled', 'reject'], expression: `(${sum('influent')} - ${sum('recycled')} - ${sum('reject')}) / ${sum('influent')}` },
} as const satisfies Record<string, { roles: readonly MeterRole[]; expression: string }>;

export type RatioName = keyof typeof RATIOS;

/** A KPI over the panel's window from mean flows: one value. */
export function liveRatio(name: RatioName, options: { byZone: boolean }): string {
  const ratio = RATIOS[name];
  const source: RoleSource = { where: options.byZone ? [ZONE] : [] };
  return outer(ratio.expression, name, ratio.roles.map((role) => flowSubquery(role, source)));
}

/** A KPI per period from the exact rollup volumes. */
export function rollupRatio(name: RatioName, period: 'hour' | 'day', buckets: Buckets, options: { byZone: boolean }): string {
  const ratio = RATIOS[name];
  const source: RoleSource = { where: options.byZone ? [ZONE] : [], every: buckets.groupBy, tz: buckets.tz };
  return outer(ratio.expression, name, ratio.roles.map((role) => rollupSubquery(role, period, source)), buckets);
}

/** Total flow per role and zone: per-meter means summed, so two meters of one role and zone add up. */
export function flowsByRoleAndZone(): string {
  const inner = `SELECT mean(${FLOW}) AS "flow" FROM ${ident(METER_MEASUREMENT)} WHERE ${ZONE} AND ${TIME_FILTER} GROUP BY time(${INTERVAL}), ${ident(METER_TAGS.meter)}, ${ident(METER_TAGS.role)}, ${ident(METER_TAGS.zone)}`;
  return `SELECT sum("flow") AS "flow" FROM (${inner}) WHERE ${TIME_FILTER} GROUP BY time(${INTERVAL}), ${ident(METER_TAGS.role)}, ${ident(METER_TAGS.zone)} fill(none)`;
}

/** Meters heard from within the panel's window. */
export function metersReporting(): string {
  return `SELECT count("flow") AS "meters" FROM (SELECT last(${FLOW}) AS "flow" FROM ${ident(METER_MEASUREMENT)} WHERE ${TIME_FILTER} GROUP BY ${ident(METER_TAGS.meter)}) WHERE ${TIME_FILTER}`;
}

/**
 * The newest reading of every meter: one selector with plain fields returns that reading's own
 * time (last seen) and fields.
 */
export function meterHealth(): string {
  const fields = [METER_FIELDS.flow, METER_FIELDS.totalizer, METER_FIELDS.seq].map(ident).join(', ');
  return `SELECT last(${ident(METER_FIELDS.quality)}) AS ${ident(METER_FIELDS.quality)}, ${fields} FROM ${ident(METER_MEASUREMENT)}
    WHERE ${ZONE} AND ${TIME_FILTER} GROUP BY ${ident(METER_TAGS.meter)}, ${ident(METER_TAGS.role)}, ${ident(METER_TAGS.zone)}`;
}

export function qualityTimeline(): string {
  return `SELECT last(${ident(METER_FIELDS.quality)}) FROM ${ident(METER_MEASUREMENT)} WHERE ${ZONE} AND ${TIME_FILTER}
    GROUP BY time(${INTERVAL}), ${ident(METER_TAGS.meter)} fill(previous)`;
}

/** Share of each hour that readings covered, from the hourly rollups, in percent. */
export function rollupCoverage(): string {
  return `SELECT mean(${ident(ROLLUP_FIELDS.coveredMs)}) / 36000 AS "coverage" FROM ${ident(ROLLUP_MEASUREMENT)}
    WHERE ${tagIs(ROLLUP_TAGS.period, 'hour')} AND ${tagMatchesVariable(ROLLUP_TAGS.zone, ZONE_VARIABLE)} AND ${TIME_FILTER}
    GROUP BY time(${INTERVAL}), ${ident(ROLLUP_TAGS.meter)} fill(none)`;
}

/** Volume per local day and role from the daily rollups. */
export function dailyVolumes(days: Buckets): string {
  return `SELECT sum(${ROLLUP_M3}) AS "volume" FROM ${ident(ROLLUP_MEASUREMENT)}
    WHERE ${tagIs(ROLLUP_TAGS.period, 'day')} AND ${tagMatchesVariable(ROLLUP_TAGS.zone, ZONE_VARIABLE)} AND ${TIME_FILTER}
    GROUP BY ${days.groupBy}, ${ident(ROLLUP_TAGS.role)} fill(none)${days.tz}`;
}
