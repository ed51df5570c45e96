// How Grafana turns a raw InfluxQL target into what InfluxDB receives: template variables in the browser
// (the plugin's interpolateQueryExpr), then $timeFilter and $__interval on the backend (models/query.go).

export interface TemplateVariable {
  readonly multi: boolean;
  readonly includeAll: boolean;
  /** The selected values; with All selected (and no custom all value), every option. */
  readonly selected: readonly string[];
}

export interface QueryContext {
  readonly fromMs: number;
  readonly toMs: number;
  readonly intervalMs: number;
  readonly variables: Readonly<Record<string, TemplateVariable>>;
}

/** @grafana/data's escapeRegex. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/** The plugin's interpolateQueryExpr: multi-value variables always regex-escaped, `(a|b)` for several. */
export function interpolateQueryExpr(value: string | readonly string[], name: string, variable: TemplateVariable, query: string): string {
  if (typeof value === 'string' && !Number.isNaN(Number.parseFloat(value))) return value;
  const escaped = (values: readonly string[]): string => (values.length === 1 ? escapeRegex(values[0] ?? '') : `(${values.map(escapeRegex).join('|')})`);
  if (variable.multi) return typeof value === 'string' ? escapeRegex(value) : `(${value.map(escapeRegex).join('|')})`;
  // A single-value variable is escaped only where it stands inside a /regex/ after =~ or !~.
  const inRegex = new RegExp(`(=|!)~\\s*/[^/]*\\$${name}[^/]*/`).test(query);
  if (!inRegex) return typeof value === 'string' ? value : value.join(',');
  return typeof value === 'string' ? escapeRegex(value) : escaped(value);
}

/** gtime.FormatInterval. */
export function formatInterval(ms: number): string {
  const units: [number, string][] = [
    [365 * 86_400_000, 'y'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return '1ms';
}

/** @grafana/data's roundInterval: the step Grafana picks for (to − from) / maxDataPoints. */
export function roundInterval(ms: number): number {
  const table: [number, number][] = [
    [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
    [12_500, 10_000], [17_500, 15_000], [25_000, 20_000], [45_000, 30_000], [90_000, 60_000], [210_000, 120_000],
    [450_000, 300_000], [750_000, 600_000], [1_050_000, 900_000], [1_500_000, 1_200_000], [2_700_000, 1_800_000],
    [5_400_000, 3_600_000], [9_000_000, 7_200_000], [16_200_000, 10_800_000], [32_400_000, 21_600_000],
    [86_400_000, 43_200_000], [604_800_000, 86_400_000], [1_814_400_000, 604_800_000], [3_628_800_000, 2_592_000_000],
  ];
  for (const [below, step] of table) if (ms < below) return step;
  return 31_536_000_000;
}

/** A Grafana duration like "10s", "15m", "24h", "30d", "1w". */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(text);
  if (match === null) throw new Error(`not a Grafana duration: ${text}`);
  const sizes: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  return Number(match[1]) * (sizes[match[2] ?? ''] ?? 0);
}

/** The $__interval of a panel: the range over its data points, rounded, never below the minimum interval. */
export function panelIntervalMs(fromMs: number, toMs: number, minIntervalMs: number, maxDataPoints = 1000): number {
  return Math.max(minIntervalMs, roundInterval((toMs - fromMs) / maxDataPoints));
}

export function interpolate(query: string, context: QueryContext): string {
  let text = query;
  // Longest names first, so $zone never eats the start of $zones.
  for (const name of Object.keys(context.variables).sort((a, b) => b.length - a.length)) {
    const variable = context.variables[name];
    if (variable === undefined) continue;
    const value = variable.selected.length === 1 && !variable.multi ? (variable.selected[0] ?? '') : variable.selected;
    const replacement = interpolateQueryExpr(value, name, variable, query);
    text = text.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_])|\\[\\[${name}\\]\\]`, 'g'), () => replacement);
  }
  text = text.replace(/\$\{__from\}|\$__from(?![A-Za-z0-9_])/g, String(context.fromMs)).replace(/\$\{__to\}|\$__to(?![A-Za-z0-9_])/g, String(context.toMs));
  const interval = formatInterval(context.intervalMs);
  return text
    .replaceAll('$timeFilter', `time >= ${context.fromMs}ms and time <= ${context.toMs}ms`)
    .replaceAll('$interval', interval)
    .replaceAll('$__interval_ms', String(context.intervalMs))
    .replaceAll('$__interval', interval);
}
