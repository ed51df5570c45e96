// What the K14 dashboards share: the header every one carries (tags, links, site time zone), template
// variables, local-day buckets, and the final pass that numbers panels.
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
  type RowPanel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { INFLUX_DATASOURCE, ident } from './influxql.ts';

/** Every generated dashboard carries it; the header links find the others by it. */
export const K14_TAG = 'k14';

export interface DashboardHeader {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** IANA zone of the site: days and years are local ones. */
  readonly timeZone: string;
  readonly from: string;
  readonly refresh: string;
}

export function dashboardBuilder(header: DashboardHeader): DashboardBuilder {
  return new DashboardBuilder(header.title)
    .uid(header.uid)
    .description(header.description)
    .tags([K14_TAG, ...header.tags])
    .timezone(header.timeZone)
    .time({ from: header.from, to: 'now' })
    .refresh(header.refresh)
    .tooltip(DashboardCursorSync.Crosshair)
    // Provisioned from files: a change in the UI could not be saved anyway.
    .readonly()
    .link(new DashboardLinkBuilder('K14 dashboards').type(DashboardLinkType.Dashboards).tags([K14_TAG]).asDropdown(true).keepTime(false).includeVars(false));
}

/**
 * A multi-value variable over one tag's values, All selected. Regex-escaped `(a|b)` alternatives are
 * what Grafana substitutes, so queries match them with `=~ /^$name$/`.
 */
export function tagVariable(name: string, label: string, measurement: string, tag: string): QueryVariableBuilder {
  const query = `SHOW TAG VALUES FROM ${ident(measurement)} WITH KEY = ${ident(tag)}`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(INFLUX_DATASOURCE)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allowCustomValue(false)
    .current({ text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * The GROUP BY clause of local calendar days. A zone without daylight saving gets a fixed offset,
 * which needs no zone database on the InfluxDB server; others get tz().
 */
export function localDays(timeZone: string): { groupBy: string; tz: string } {
  const january = utcOffsetMinutes(timeZone, Date.UTC(2025, 0, 1));
  const july = utcOffsetMinutes(timeZone, Date.UTC(2025, 6, 1));
  if (january !== july) return { groupBy: 'time(1d)', tz: ` tz('${timeZone}')` };
  const offset = (((-january) % 1440) + 1440) % 1440;
  return { groupBy: offset === 0 ? 'time(1d)' : `time(1d, ${offset}m)`, tz: '' };
}

function utcOffsetMinutes(timeZone: string, atMs: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(atMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (match === null) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * Panel ids in layout order, from 1 (annotations, links and alert rules refer to panels by id), and the
 * data source on every panel, so Grafana never falls back to whichever source is the default.
 */
export function finishPanels(dashboard: Dashboard): Dashboard {
  let next = 1;
  const finished = (panel: Panel): Panel => ({ ...panel, datasource: panel.datasource ?? INFLUX_DATASOURCE, id: next++ });
  const numbered = (panel: Panel | RowPanel): Panel | RowPanel => {
    if (!isRow(panel)) return finished(panel);
    const id = next++;
    return { ...panel, id, panels: panel.panels.map(finished) };
  };
  return { ...dashboard, panels: (dashboard.panels ?? []).map(numbered) };
}

export function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row' && 'panels' in panel;
}

/** Every panel, also those inside collapsed rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => (isRow(panel) ? panel.panels : [panel]));
}
