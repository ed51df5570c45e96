// Every InfluxQL query of the committed dashboards and alert rules, run on a real influxd 1.6 after a backfill
// with variables and macros substituted as Grafana does: none may be empty, and the figures are the domain's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createInfluxStore } from '../../../core/adapters/influx/influx-store.ts';
import { loadSiteConfig } from '../../../core/config/load-site.ts';
import { milestoneCrossings, type CumulativePoint } from '../../../core/domain/water/milestones.ts';
import { nextPeriodStart } from '../../../core/domain/water/local-calendar.ts';
import { mlToTonnes } from '../../../core/domain/water/volume-units.ts';
import { startInfluxd, type RunningInfluxd } from '../../harness/influxd.ts';
import { alertRuleQueries, annotationQueries, panelQueries, queryVariables, rangeStartMs, type AlertRulesFile, type DashboardJson, type DashboardQuery } from './dashboard-targets.ts';
import { interpolate, panelIntervalMs, parseDuration, type TemplateVariable } from './grafana-interpolation.ts';
import { seedTelemetry } from './seed-telemetry.ts';

const REPO = join(import.meta.dirname, '../../..');
const DATABASE = 'k14_grafana';
const SERVICE_TIMEOUT_MS = 90_000;
const SEED_TIMEOUT_MS = 170_000;
const site = loadSiteConfig(join(REPO, 'config/site.k14.json'));
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(REPO, path), 'utf8'));
const dashboards = ['k14-engineering', 'k14-cleanroom', 'k14-pr-milestones'].map((uid) => readJson(`dashboards/generated/${uid}.json`) as DashboardJson);
const rules = parse(readFileSync(join(REPO, 'provisioning/grafana/alerting/cleanroom-action-levels.yaml'), 'utf8')) as AlertRulesFile;
/** The data source's minimum interval, as provisioned. */
const datasource = parse(readFileSync(join(REPO, 'provisioning/grafana/datasources/influxdb.yaml'), 'utf8')) as { datasources: { jsonData: { timeInterval: string } }[] };
const MIN_INTERVAL_MS = parseDuration(datasource.datasources[0]?.jsonData.timeInterval ?? '10s');

let influxd: RunningInfluxd;
/** Queries run as if Grafana asked at the moment the seeded data ends. */
let nowMs: number;
const variablesByDashboard = new Map<string, Record<string, TemplateVariable>>();

interface Series {
  readonly name?: string;
  readonly tags?: Record<string, string>;
  readonly columns: string[];
  readonly values?: unknown[][];
}

async function run(query: string): Promise<Series[]> {
  const body = (await influxd.query(query, DATABASE)) as { results: { series?: Series[] }[] };
  return body.results.flatMap((result) => result.series ?? []);
}

async function runAsGrafana(dashboard: DashboardJson | undefined, target: DashboardQuery): Promise<{ text: string; series: Series[] }> {
  const toMs = nowMs;
  const fromMs = target.windowMs !== undefined ? toMs - target.windowMs : dashboard === undefined ? toMs : rangeStartMs(dashboard, toMs);
  const intervalMs = panelIntervalMs(fromMs, toMs, Math.max(MIN_INTERVAL_MS, target.minIntervalMs ?? 0));
  const text = interpolate(target.query, { fromMs, toMs, intervalMs, variables: (dashboard && variablesByDashboard.get(dashboard.uid)) ?? {} });
  return { text, series: await run(text) };
}

const rowCount = (series: readonly Series[]): number => series.reduce((n, s) => n + (s.values?.length ?? 0), 0);

beforeAll(async () => {
  influxd = await startInfluxd({ database: DATABASE });
  nowMs = Date.now();
  const seeded = await seedTelemetry({ url: influxd.url, database: DATABASE, site, nowMs, historyDays: 100, historyStepMs: 5 * 60_000, cleanroomHours: 6 });
  expect(seeded.transitions, 'the seeded samples raised no alarm').toBeGreaterThan(0);
  // With All selected (the dashboards' default), a variable stands for every value its query lists.
  for (const dashboard of dashboards) {
    const variables: Record<string, TemplateVariable> = {};
    for (const variable of queryVariables(dashboard)) {
      const values = (await run(variable.query)).flatMap((s) => (s.values ?? []).map((row) => String(row[1])));
      variables[variable.name] = { multi: variable.multi, includeAll: variable.includeAll, selected: values };
    }
    variablesByDashboard.set(dashboard.uid, variables);
  }
}, SERVICE_TIMEOUT_MS + SEED_TIMEOUT_MS);

afterAll(async () => {
  await influxd?.stop();
}, SERVICE_TIMEOUT_MS);

describe.each(dashboards.map((dashboard) => [dashboard.uid, dashboard] as const))('dashboard %s', (_uid, dashboard) => {
  it.each(queryVariables(dashboard).map((v) => [v.name] as const))('variable $%s lists values', (name) => {
    expect(variablesByDashboard.get(dashboard.uid)?.[name]?.selected.length ?? 0).toBeGreaterThan(0);
  });

  it.each([...panelQueries(dashboard), ...annotationQueries(dashboard)].map((target) => [target.where, target] as const))('%s returns rows', async (_where, target) => {
    const { text, series } = await runAsGrafana(dashboard, target);
    expect(rowCount(series), `no rows for ${text}`).toBeGreaterThan(0);
  });
});

describe('alert rules', () => {
  it.each(alertRuleQueries(rules).map((target) => [target.where, target] as const))('%s returns rows', async (_where, target) => {
    const { text, series } = await runAsGrafana(undefined, target);
    expect(rowCount(series), `no rows for ${text}`).toBeGreaterThan(0);
  });
});

describe('figures', () => {
  const panel = (uid: string, title: string): DashboardQuery => {
    const found = panelQueries(dashboards.find((d) => d.uid === uid) as DashboardJson).find((q) => q.where.startsWith(`${uid} / ${title} / `));
    if (found === undefined) throw new Error(`no panel "${title}" in ${uid}`);
    return found;
  };
  const firstValue = async (uid: string, title: string): Promise<number> => Number((await runAsGrafana(dashboards.find((d) => d.uid === uid), panel(uid, title))).series[0]?.values?.[0]?.[1]);

  it('shows ratios a plant like K14 has: recovery and share near 70 %, a small balance gap', async () => {
    expect(await firstValue('k14-engineering', 'Recycling rate (plant recovery)')).toBeGreaterThan(0.5);
    expect(await firstValue('k14-engineering', 'Recycling rate (plant recovery)')).toBeLessThan(0.9);
    expect(await firstValue('k14-engineering', 'Recycled share of supply')).toBeGreaterThan(0.5);
    expect(Math.abs(await firstValue('k14-engineering', 'Water-balance gap'))).toBeLessThan(0.05);
    expect(await firstValue('k14-engineering', 'Meters reporting')).toBe(site.meters.length);
  });

  it('dates each milestone on the day the domain’s milestone crossings put it', async () => {
    const store = createInfluxStore({ url: influxd.url, bucket: DATABASE });
    const fromMs = Date.parse(site.commissionedAt);
    const recycled = site.meters.filter((m) => m.role === 'recycled').map((m) => m.id);
    const rollups = await store.readRollups({ period: 'day', range: { fromMs, toMs: nowMs }, meterIds: recycled });
    await store.close();
    const byDay = new Map<number, number>();
    for (const r of rollups) byDay.set(r.startMs, (byDay.get(r.startMs) ?? 0) + r.volumeMl);
    let cumulativeMl = 0;
    const points: CumulativePoint[] = [{ atMs: fromMs, tonnes: 0 }];
    for (const [startMs, ml] of [...byDay].sort((a, b) => a[0] - b[0])) {
      cumulativeMl += ml;
      points.push({ atMs: nextPeriodStart('day', startMs, site.timezone), tonnes: mlToTonnes(cumulativeMl, site.water.densityTonnesPerM3) });
    }
    const expected = milestoneCrossings(points, site.water.milestoneStepTonnes);
    expect(expected.length, 'the backfill crossed no milestone').toBeGreaterThan(0);

    const { series } = await runAsGrafana(dashboards[2], panel('k14-pr-milestones', 'Milestones crossed'));
    const rows = (series[0]?.values ?? []).map(([time, milestone]) => ({ dayStartMs: Date.parse(String(time)), tonnes: Number(milestone) }));
    expect(rows.map((r) => r.tonnes)).toEqual(expected.map((c) => c.tonnes));
    rows.forEach((row, i) => {
      const crossedAtMs = expected[i]?.crossedAtMs ?? Number.NaN;
      expect(crossedAtMs).toBeGreaterThanOrEqual(row.dayStartMs);
      expect(crossedAtMs).toBeLessThanOrEqual(nextPeriodStart('day', row.dayStartMs, site.timezone));
    });
  });

  it('draws acknowledged as well as raised alarm states', async () => {
    const { series } = await runAsGrafana(dashboards[1], panel('k14-cleanroom', 'Alarm states'));
    const codes = new Set(series.flatMap((s) => (s.values ?? []).map((row) => Number(row[1]))));
    expect(codes).toContain(1);
    expect(codes).toContain(2);
  });
});
