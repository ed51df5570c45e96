// The water API over a backfilled K14 history (2015 → mid-2021, hourly) in a real SQLite file:
// the 20 Mt milestone lands where the seeds put it, yearly rates match the phases, totals agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../../api/build-api.ts';
import type { Api } from '../../../api/api-type.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { backfillHistory } from '../../../scripts/backfill/history-writer.ts';
import { apiDepsFor, authHeader, type TestApiDeps } from '../../fixtures/api-deps.ts';
import { k14Site } from '../../fixtures/site.ts';

const NOW = Date.parse('2021-06-01T00:00:00+08:00');

describe('water API after a K14 history backfill (SQLite)', () => {
  let dir: string;
  let store: TelemetryStore;
  let api: Api;
  let deps: TestApiDeps;
  let viewer: { authorization: string };
  // Hourly history: readings an hour apart count as covered.
  const site = { ...k14Site(), water: { ...k14Site().water, coverageGapMinutes: 90 } };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-water-api-'));
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
    await backfillHistory({ store, site, fromMs: Date.parse(site.commissionedAt), toMs: NOW, stepMs: 3_600_000, seed: 7 });
    deps = await apiDepsFor(store, site, () => NOW);
    api = await buildApi({}, deps);
    viewer = authHeader(deps, 'viewer');
  });
  afterAll(async () => {
    await api?.close();
    await deps?.alarms.stop();
    deps?.apiKeys.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (url: string) => {
    const response = await api.inject({ method: 'GET', url, headers: viewer });
    return { status: response.statusCode, body: response.headers['content-type']?.toString().startsWith('application/json') ? response.json() : response.body, headers: response.headers };
  };

  it('shows the 20,000,000 t milestone crossed between 2021-04-01 and 2021-05-10', async () => {
    const { status, body } = await get('/api/water/milestones');
    expect(status).toBe(200);
    const twenty = body.crossed.find((c: { tonnes: number }) => c.tonnes === 20_000_000);
    expect(twenty).toBeDefined();
    const at = Date.parse(twenty.crossedAt);
    expect(at).toBeGreaterThanOrEqual(Date.parse('2021-04-01T00:00:00+08:00'));
    expect(at).toBeLessThan(Date.parse('2021-05-10T00:00:00+08:00'));
    expect(body.crossed.map((c: { tonnes: number }) => c.tonnes)).toEqual(Array.from({ length: body.crossed.length }, (_, i) => (i + 1) * 1_000_000));
    expect(body.next[0].tonnes).toBe(body.crossed.at(-1).tonnes + 1_000_000);
    expect(Date.parse(body.next[0].projectedAt)).toBeGreaterThan(NOW);
  });

  it('reports yearly recycling rates within 2 points of 55 % (2016) and 70 % (2020)', async () => {
    const { status, body } = await get('/api/water/totals?period=year');
    expect(status).toBe(200);
    const byYear = new Map(body.totals.map((t: { label: string; plant: { recyclingRate: { value: number } } }) => [t.label, t.plant.recyclingRate.value]));
    expect(Math.abs((byYear.get('2016') as number) - 0.55)).toBeLessThan(0.02);
    expect(Math.abs((byYear.get('2020') as number) - 0.7)).toBeLessThan(0.02);
  });

  it('gives a tonnage equal to the sum of the yearly recycled totals', async () => {
    const [tonnage, totals] = await Promise.all([get('/api/water/tonnage'), get('/api/water/totals?period=year')]);
    const sum = totals.body.totals.reduce((s: number, t: { plant: { volumesM3: { recycled: number } } }) => s + t.plant.volumesM3.recycled, 0);
    expect(tonnage.body.measuredTonnes).toBeCloseTo(sum, 3);
    expect(tonnage.body.meters).toEqual(['rec-z1', 'rec-z2']);
    expect(tonnage.body.coverage).toBeGreaterThan(0.99);
  });

  it('answers live KPIs per zone and plant with provenance', async () => {
    const { status, body } = await get('/api/water/kpis?window=24h');
    expect(status).toBe(200);
    expect(body.plant.recyclingRate.value).toBeGreaterThan(0.6);
    expect(body.plant.recycledShare.value).toBeCloseTo(2 / 3, 1);
    expect(Object.keys(body.zones).sort()).toEqual(['plant', 'zone1', 'zone2']);
    expect(body.meters.find((m: { meterId: string }) => m.meterId === 'rej-1').method).toBe('integrated_flow');
    expect(body.formulas.recyclingRate).toBe('recycled ÷ influent');
  });

  it('answers CSV for list endpoints', async () => {
    const { status, body, headers } = await get('/api/water/totals?period=month&format=csv');
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/csv/);
    const lines = (body as string).trim().split('\r\n');
    expect(lines[0]).toMatch(/^period,from,to,influent_m3,recycled_m3/);
    expect(lines.length).toBeGreaterThan(10);
  });

  it('refuses bad queries with a 4xx that says what is wrong', async () => {
    const badWindow = await get('/api/water/kpis?window=2h');
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error.code).toBe('VALIDATION_FAILED');
    expect((await get('/api/water/kpis?window=1h&from=2021-01-01T00:00:00Z')).status).toBe(400);
    expect((await get('/api/water/series?kpi=recyclingRate&every=15m&from=2015-01-01T00:00:00Z')).body.error.code).toBe('TOO_MANY_BUCKETS');
    const replacement = { at: '2021-05-01T00:00:00Z', oldFinalM3: 1, newInitialM3: 0, comment: 'x' };
    const unknownMeter = await api.inject({ method: 'POST', url: '/api/water/meters/nope/replacements', headers: authHeader(deps, 'admin'), payload: replacement });
    expect(unknownMeter.statusCode).toBe(404);
  });
});
