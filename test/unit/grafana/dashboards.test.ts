// The dashboards as code: fixed uids, every query on the provisioned data source and on measurements
// the adapters write, a layout Grafana can place, and levels taken from the site configuration.
import { join } from 'node:path';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { TRANSITION_MEASUREMENT } from '../../../core/adapters/influx-alarms/alarm-schema.ts';
import { METER_MEASUREMENT, PARTICLE_MEASUREMENT, ROLLUP_MEASUREMENT } from '../../../core/adapters/influx/schema.ts';
import { loadSiteConfig } from '../../../core/config/load-site.ts';
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import { actionLevelRules } from '../../../dashboards/alert-rules.ts';
import { levelGroups } from '../../../dashboards/cleanroom-levels.ts';
import { allPanels, isRow, localDays } from '../../../dashboards/common.ts';
import { INFLUX_DATASOURCE, type InfluxqlTarget } from '../../../dashboards/influxql.ts';
import { buildDashboards } from '../../../dashboards/render.ts';
import { REPO } from './repo-files.ts';

const site = loadSiteConfig(join(REPO, 'config/site.k14.json'));
const dashboards = Object.values(buildDashboards(site));
const MEASUREMENTS = new Set([METER_MEASUREMENT, PARTICLE_MEASUREMENT, ROLLUP_MEASUREMENT, TRANSITION_MEASUREMENT]);

const targetsOf = (panel: Panel): InfluxqlTarget[] => (panel.targets ?? []) as InfluxqlTarget[];

describe.each(dashboards.map((d) => [d.uid ?? '', d] as const))('dashboard %s', (_uid, dashboard: Dashboard) => {
  const panels = allPanels(dashboard);

  it('has a fixed uid, a title and the k14 tag', () => {
    expect(dashboard.uid).toMatch(/^k14-[a-z0-9-]+$/);
    expect(dashboard.title).not.toBe('');
    expect(dashboard.tags).toContain('k14');
  });

  it('numbers every panel and row uniquely', () => {
    const ids = (dashboard.panels ?? []).flatMap((p) => (isRow(p) ? [p.id, ...p.panels.map((inner) => inner.id)] : [p.id]));
    expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('places panels on the 24-column grid without overlaps', () => {
    const boxes = (dashboard.panels ?? []).map((p) => p.gridPos).filter((g) => g !== undefined);
    for (const g of boxes) expect(g.x + g.w).toBeLessThanOrEqual(24);
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(false);
      }),
    );
  });

  it('explains every panel and queries the provisioned InfluxDB with raw InfluxQL', () => {
    for (const panel of panels) {
      expect(panel.description, panel.title).toBeTruthy();
      expect(panel.datasource, panel.title).toEqual(INFLUX_DATASOURCE);
      const targets = targetsOf(panel);
      expect(targets.length, panel.title).toBeGreaterThan(0);
      expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
      for (const target of targets) {
        expect(target.datasource).toEqual(INFLUX_DATASOURCE);
        expect(target.rawQuery).toBe(true);
        expect(target.query).toMatch(/^SELECT /);
      }
    }
  });

  it('reads only measurements the adapters write', () => {
    const queries = [...panels.flatMap((p) => targetsOf(p).map((t) => t.query)), ...(dashboard.templating.list ?? []).map((v) => String(v.query ?? ''))];
    for (const query of queries) {
      for (const [, name] of query.matchAll(/FROM "([^"]+)"/g)) expect(MEASUREMENTS, query).toContain(name);
    }
  });
});

describe('cleanroom levels', () => {
  it('draws ISO 8’s default alert and action levels (70 % and 100 % of the class limit)', () => {
    expect(levelGroups(site, '0.5').map((g) => [g.level, g.perM3])).toEqual([
      ['alert', 2_464_000],
      ['action', 3_520_000],
    ]);
    expect(levelGroups(site, '1.0').map((g) => g.perM3)).toEqual([582_400, 832_000]);
    expect(levelGroups(site, '5.0').map((g) => g.perM3)).toEqual([20_510, 29_300]);
    expect(levelGroups(site, '0.3')).toEqual([]);
  });

  it('gives counters with their own levels a line of their own', () => {
    const room = site.rooms[0];
    if (room === undefined) throw new Error('the site has no room');
    const withOverride: SiteConfig = {
      ...site,
      rooms: [{ ...room, levels: { ...DEFAULT_LEVELS, counters: { 'pms-02': { channels: { '0.5': { action: { perM3: 3_000_000 } } } } } } }],
    };
    const action = levelGroups(withOverride, '0.5', 'action');
    expect(action.map((g) => [g.counterIds, g.allCounters, g.perM3])).toEqual([
      [['pms-01', 'pms-03'], false, 3_520_000],
      [['pms-02'], false, 3_000_000],
    ]);
    const panel = allPanels(buildDashboards(withOverride).cleanroom).find((p) => p.title === '≥0.5 µm');
    expect(targetsOf(panel ?? { type: 'none' }).map((t) => t.alias)).toContain('mask-line pms-02 action');
    const rules = actionLevelRules(withOverride, buildDashboards(withOverride).cleanroom).groups[0]?.rules ?? [];
    expect(rules.map((r) => r.uid)).toContain('k14-action-mask-line-pms-02-0-5');
  });
});

const DEFAULT_LEVELS = {
  alertFraction: 0.7,
  actionFraction: 1,
  channels: {},
  alertRaise: { samples: 2 },
  actionRaise: { samples: 1 },
  clearAfterSamples: 3,
  hysteresisFraction: 0.1,
  staleAfterIntervals: 3,
  counters: {},
};

describe('alert rules', () => {
  const { cleanroom } = buildDashboards(site);
  const rules = actionLevelRules(site, cleanroom).groups.flatMap((g) => g.rules);

  it('fire above each action level and link to that channel’s panel', () => {
    expect(rules.map((r) => [r.labels.channel, thresholdOf(r.data)])).toEqual([
      ['0.5', 3_520_000],
      ['1.0', 832_000],
      ['5.0', 29_300],
    ]);
    for (const rule of rules) {
      expect(rule.dashboardUid).toBe(cleanroom.uid);
      expect(allPanels(cleanroom).find((p) => p.id === rule.panelId)?.title).toBe(`≥${rule.labels.channel} µm`);
    }
  });

  it('have unique uids Grafana accepts', () => {
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    for (const rule of rules) expect(rule.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });
});

function thresholdOf(data: readonly { refId: string; model: Record<string, unknown> }[]): unknown {
  const conditions = data.find((d) => d.refId === 'C')?.model.conditions as { evaluator: { params: number[] } }[] | undefined;
  return conditions?.[0]?.evaluator.params[0];
}

describe('local days', () => {
  it('buckets fixed-offset zones by offset and zones with daylight saving by tz()', () => {
    expect(localDays('Asia/Taipei')).toEqual({ groupBy: 'time(1d, 960m)', tz: '' });
    expect(localDays('UTC')).toEqual({ groupBy: 'time(1d)', tz: '' });
    expect(localDays('Asia/Kolkata')).toEqual({ groupBy: 'time(1d, 1110m)', tz: '' });
    expect(localDays('Europe/Berlin')).toEqual({ groupBy: 'time(1d)', tz: " tz('Europe/Berlin')" });
  });
});
