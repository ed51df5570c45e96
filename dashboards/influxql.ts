// InfluxQL targets for Grafana's InfluxDB data source (raw InfluxQL mode), as a foundation-SDK Dataquery
// variant: the SDK ships no InfluxDB query type. Plus the few InfluxQL fragments every dashboard uses.
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import { stringLiteral, tagEquals } from '../core/adapters/influx/influxql.ts';

/** The provisioned data source (provisioning/grafana/datasources/influxdb.yaml): a fixed uid, so dashboards never ask. */
export const INFLUX_DATASOURCE: DataSourceRef = { type: 'influxdb', uid: 'k14-influxdb' };

export type ResultFormat = 'time_series' | 'table';

/** The query model Grafana's InfluxDB plugin stores for a raw InfluxQL query. */
export interface InfluxqlTarget extends Dataquery {
  refId: string;
  datasource: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: ResultFormat;
  /** Series name; `$tag_x` picks a GROUP BY tag, `$col` the column. */
  alias?: string;
}

/** What the plugin's annotation support reads from a migrated InfluxQL annotation target. */
export interface InfluxqlAnnotationTarget extends InfluxqlTarget {
  fromAnnotations: true;
  textColumn: string;
  /** Comma-separated column names. */
  tagsColumn: string;
  titleColumn: string;
}

export interface TargetOptions {
  readonly format?: ResultFormat;
  readonly alias?: string;
}

/** One raw InfluxQL target; the refId is set by the panel helpers from the target's position. */
export function influxql(query: string, options: TargetOptions = {}): InfluxqlTarget {
  return {
    refId: 'A',
    datasource: INFLUX_DATASOURCE,
    query: squeeze(query),
    rawQuery: true,
    resultFormat: options.format ?? 'time_series',
    ...(options.alias === undefined ? {} : { alias: options.alias }),
    _implementsDataqueryVariant() {},
  };
}

/** Builders for a panel's targets, refIds A, B, C… in order. */
export function targets(...list: InfluxqlTarget[]): Builder<Dataquery>[] {
  return list.map((target, index) => ({ build: () => ({ ...target, refId: refIdAt(index) }) }));
}

export function annotationTarget(query: string, columns: { text: string; tags: readonly string[]; title?: string }): Builder<Dataquery> {
  const target: InfluxqlAnnotationTarget = {
    ...influxql(query, { format: 'table' }),
    refId: 'Anno',
    fromAnnotations: true,
    textColumn: columns.text,
    tagsColumn: columns.tags.join(','),
    titleColumn: columns.title ?? '',
  };
  return { build: () => target };
}

function refIdAt(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `Q${index}`;
}

/** Queries are written over several lines for reading; Grafana shows them on one. */
function squeeze(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}

/** A double-quoted InfluxQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `"tag" = 'value'`, with the adapter's escaping. */
export function tagIs(tag: string, value: string): string {
  return tagEquals(ident(tag), value);
}

export { stringLiteral };

/**
 * `"tag" =~ /^$variable$/`: Grafana regex-escapes the selected values of a multi-value variable and
 * joins them as `(a|b)`, so All and any subset match exactly.
 */
export function tagMatchesVariable(tag: string, variable: string): string {
  return `${ident(tag)} =~ /^$${variable}$/`;
}

/** Grafana's range macro, replaced by `time >= …ms and time <= …ms`. */
export const TIME_FILTER = '$timeFilter';
export const INTERVAL = '$__interval';
/** The range end in epoch ms (Grafana's global variable), for windows that must not start at the range start. */
export const RANGE_END = '${__to}ms';
