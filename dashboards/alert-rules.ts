// Grafana-managed alert rules for the particle action levels, a second path beside the API's ISA-18.2
// alarms, in Grafana's file-provisioning format (AlertRuleGroupV1), from the dashboard's level groups.
import { SIZE_CHANNELS } from '../core/domain/readings.ts';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { formatPerM3, levelGroups, type LevelGroup } from './cleanroom-levels.ts';
import { ruleConcentration } from './cleanroom-queries.ts';
import { allPanels } from './common.ts';
import { INFLUX_DATASOURCE, influxql } from './influxql.ts';

/** The dashboards' folder (provisioning/grafana/dashboards/k14.yaml): rules and dashboards sit together. */
export const ALERT_FOLDER = 'K14';
/** provisioning/grafana/alerting/contact-points.yaml */
export const CLEANROOM_RECEIVER = 'K14 cleanroom on-call';
/** Long enough to hold the newest sample of a counter sampling every few minutes. */
const WINDOW_SECONDS = 600;
const EXPRESSION_DATASOURCE = { type: '__expr__', uid: '__expr__' } as const;

export interface AlertingFile {
  apiVersion: 1;
  groups: AlertRuleGroup[];
}

interface AlertRuleGroup {
  orgId: number;
  name: string;
  folder: string;
  interval: string;
  rules: AlertRule[];
}

interface AlertRule {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  dashboardUid?: string;
  panelId?: number;
  noDataState: 'NoData' | 'Alerting' | 'OK' | 'KeepLast';
  execErrState: 'Error' | 'Alerting' | 'OK' | 'KeepLast';
  for: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  isPaused: boolean;
  notification_settings: { receiver: string };
}

interface AlertQuery {
  refId: string;
  relativeTimeRange: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

export function actionLevelRules(site: SiteConfig, cleanroom: Dashboard): AlertingFile {
  const rules = SIZE_CHANNELS.flatMap((channel) => {
    const panelId = allPanels(cleanroom).find((panel) => panel.title === `≥${channel} µm`)?.id;
    return levelGroups(site, channel, 'action').map((group) => rule(channel, group, cleanroom.uid, panelId));
  });
  return { apiVersion: 1, groups: [{ orgId: 1, name: 'Cleanroom action levels', folder: ALERT_FOLDER, interval: '1m', rules }] };
}

function rule(channel: (typeof SIZE_CHANNELS)[number], group: LevelGroup, dashboardUid: string | undefined, panelId: number | undefined): AlertRule {
  const counters = group.allCounters ? '' : ` (${group.counterIds.join(', ')})`;
  const { query, rawQuery, resultFormat } = influxql(ruleConcentration(channel, group));
  return {
    uid: ruleUid(group, channel),
    title: `${group.roomId}${counters}: ≥${channel} µm above the action level`,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: WINDOW_SECONDS, to: 0 },
        datasourceUid: INFLUX_DATASOURCE.uid ?? '',
        model: { refId: 'A', datasource: INFLUX_DATASOURCE, query, rawQuery, resultFormat, intervalMs: 60_000, maxDataPoints: 43_200 },
      },
      expression('B', { type: 'reduce', expression: 'A', reducer: 'last', settings: { mode: 'dropNN' } }),
      expression('C', { type: 'threshold', expression: 'B', conditions: [{ evaluator: { type: 'gt', params: [group.perM3] } }] }),
    ],
    ...(dashboardUid === undefined ? {} : { dashboardUid }),
    ...(panelId === undefined ? {} : { panelId }),
    // A silent counter is the API's stale alarm; here it shows as NoData rather than as an excursion.
    noDataState: 'NoData',
    execErrState: 'Error',
    for: '0s',
    annotations: {
      summary: `Particles ≥${channel} µm above the action level in ${group.roomId}`,
      description: `Counter {{ $labels.counter }} measured {{ humanize $values.B.Value }} particles/m³ at or above ${channel} µm; the action level of ${group.roomId} (ISO ${group.isoClass}) is ${formatPerM3(group.perM3)}. The API raises its own ISA-18.2 alarm for this excursion.`,
    },
    labels: { severity: 'action', room: group.roomId, channel, source: 'grafana' },
    isPaused: false,
    notification_settings: { receiver: CLEANROOM_RECEIVER },
  };
}

function expression(refId: string, model: Record<string, unknown>): AlertQuery {
  return { refId, relativeTimeRange: { from: 0, to: 0 }, datasourceUid: EXPRESSION_DATASOURCE.uid, model: { refId, datasource: EXPRESSION_DATASOURCE, ...model } };
}

/** Grafana uids are at most 40 characters of [a-zA-Z0-9_-]. */
function ruleUid(group: LevelGroup, channel: string): string {
  const counters = group.allCounters ? '' : `-${group.counterIds.join('-')}`;
  const readable = `k14-action-${group.roomId}${counters}-${channel}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return readable.length <= 40 ? readable : `k14-action-${hash(readable)}`;
}

/** FNV-1a, hex: a stable short uid for long room and counter names. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (const char of text) h = Math.imul(h ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
