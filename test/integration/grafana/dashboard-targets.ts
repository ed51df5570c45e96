// Reads the InfluxQL a generated dashboard (or alert-rule file) would run, with the time range each
// query would get in Grafana: the dashboard's, or the panel's relative override (timeFrom).
import { parseDuration } from './grafana-interpolation.ts';

export interface DashboardQuery {
  readonly where: string;
  readonly query: string;
  /** Relative window in ms ending now; undefined: the dashboard's range. */
  readonly windowMs?: number;
  /** The panel's minimum interval, if it sets one. */
  readonly minIntervalMs?: number;
}

export interface QueryVariableSpec {
  readonly name: string;
  readonly query: string;
  readonly multi: boolean;
  readonly includeAll: boolean;
}

export interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly panels: readonly PanelJson[];
  readonly templating: { readonly list?: readonly VariableJson[] };
  readonly annotations: { readonly list?: readonly { readonly name: string; readonly target?: { readonly query?: string } }[] };
}

interface PanelJson {
  readonly type: string;
  readonly title?: string;
  readonly timeFrom?: string;
  readonly interval?: string;
  readonly targets?: readonly { readonly refId: string; readonly query: string; readonly rawQuery?: boolean }[];
  readonly panels?: readonly PanelJson[];
}

interface VariableJson {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
}

export function panelQueries(dashboard: DashboardJson): DashboardQuery[] {
  const panels = dashboard.panels.flatMap((panel) => (panel.type === 'row' ? (panel.panels ?? []) : [panel]));
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${dashboard.uid} / ${panel.title ?? panel.type} / ${target.refId}`,
      query: target.query,
      ...(panel.timeFrom === undefined ? {} : { windowMs: parseDuration(panel.timeFrom) }),
      ...(panel.interval === undefined ? {} : { minIntervalMs: parseDuration(panel.interval) }),
    })),
  );
}

export function annotationQueries(dashboard: DashboardJson): DashboardQuery[] {
  return (dashboard.annotations.list ?? []).flatMap((annotation) =>
    annotation.target?.query === undefined ? [] : [{ where: `${dashboard.uid} / annotation ${annotation.name}`, query: annotation.target.query }],
  );
}

export function queryVariables(dashboard: DashboardJson): QueryVariableSpec[] {
  return (dashboard.templating.list ?? [])
    .filter((variable) => variable.type === 'query' && typeof variable.query === 'string')
    .map((variable) => ({ name: variable.name, query: String(variable.query), multi: variable.multi === true, includeAll: variable.includeAll === true }));
}

/** The dashboard's default range start: a relative `now-6h` or an absolute ISO time. */
export function rangeStartMs(dashboard: DashboardJson, nowMs: number): number {
  const relative = /^now-(.+)$/.exec(dashboard.time.from);
  return relative === null ? Date.parse(dashboard.time.from) : nowMs - parseDuration(relative[1] ?? '');
}

export interface AlertRulesFile {
  readonly groups: readonly {
    readonly rules: readonly { readonly uid: string; readonly data: readonly { readonly refId: string; readonly datasourceUid: string; readonly relativeTimeRange: { readonly from: number }; readonly model: { readonly query?: string } }[] }[];
  }[];
}

export function alertRuleQueries(file: AlertRulesFile): DashboardQuery[] {
  return file.groups.flatMap((group) =>
    group.rules.flatMap((rule) =>
      rule.data
        .filter((data) => data.datasourceUid !== '__expr__' && data.model.query !== undefined)
        .map((data) => ({ where: `alert rule ${rule.uid} / ${data.refId}`, query: data.model.query ?? '', windowMs: data.relativeTimeRange.from * 1000 })),
    ),
  );
}
