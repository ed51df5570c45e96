// Water KPIs, series, calendar totals, cumulative tonnage, milestones and meter replacements. Totals,
// tonnage and milestones are what PR may quote; recording a replacement rewrites them: admin only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TimeRange } from '../../../core/ports/telemetry-store.ts';
import { callerOf } from '../../auth/auth-plugin.ts';
import { actorOf } from '../../auth/permissions.ts';
import { milestoneReport } from '../../water/milestone-service.ts';
import type { WaterReport } from '../../water/water-report.ts';
import { sendCsv, wantsCsv } from '../../csv.ts';
import type { ApiDeps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import { errorSchema } from '../../schemas/common.ts';
import {
  EVERY,
  formatQuery,
  kpiQuery,
  milestonesResponse,
  replacementBody,
  resetsQuery,
  resetsResponse,
  seriesQuery,
  seriesResponse,
  tonnageResponse,
  totalsQuery,
  totalsResponse,
  WINDOWS,
  waterReportSchema,
} from './water-schemas.ts';

const MAX_BUCKETS = 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const reportJson = (report: WaterReport) => ({ ...report, from: iso(report.fromMs), to: iso(report.toMs) });

export const waterRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { water } = deps;
  const now = () => deps.clock?.() ?? Date.now();

  app.get('/api/water/kpis', { config: { permission: 'water:read' }, schema: { querystring: kpiQuery, response: { 200: waterReportSchema, 400: errorSchema } } }, async (request) => {
    const { window, from, to } = request.query;
    const toMs = to ?? now();
    return reportJson(await water.report({ fromMs: from ?? toMs - WINDOWS[window ?? '1h'], toMs }));
  });

  app.get('/api/water/series', { config: { permission: 'water:read' }, schema: { querystring: seriesQuery, response: { 200: seriesResponse, 400: errorSchema } } }, async (request, reply) => {
    const { kpi, every, from, to } = request.query;
    const everyMs = EVERY[every];
    const range = boundedRange(from, to ?? now(), everyMs * 24);
    if ((range.toMs - range.fromMs) / everyMs > MAX_BUCKETS) throw badRequest('TOO_MANY_BUCKETS', `at most ${MAX_BUCKETS} buckets: widen "every" or narrow from/to`);
    const points = (await water.series(range, everyMs)).map((report) => seriesPoint(report, kpi));
    if (wantsCsv(request)) return sendCsv(reply, `water-${kpi}`, ['from', 'to', 'value', 'reason', 'coverage'], points);
    return { kpi, every, points };
  });

  app.get('/api/water/totals', { config: { permission: 'water:totals' }, schema: { querystring: totalsQuery, response: { 200: totalsResponse, 400: errorSchema } } }, async (request, reply) => {
    const { period, from, to } = request.query;
    const toMs = to ?? now();
    const defaultSpan = { day: 31 * 86_400_000, month: 366 * 86_400_000, year: 0 }[period];
    const fromMs = from ?? (period === 'year' ? Date.parse(water.site.commissionedAt) : toMs - defaultSpan);
    const totals = await water.totals(period, { fromMs, toMs });
    if (totals.length > MAX_BUCKETS) throw badRequest('TOO_MANY_PERIODS', `at most ${MAX_BUCKETS} periods`);
    if (wantsCsv(request)) return sendCsv(reply, `water-totals-${period}`, TOTAL_COLUMNS, totals.map((t) => totalRow(t.label, t.report)));
    return { period, totals: totals.map((t) => ({ label: t.label, ...reportJson(t.report) })) };
  });

  app.get('/api/water/tonnage', { config: { permission: 'water:totals' }, schema: { querystring: z.strictObject({}), response: { 200: tonnageResponse } } }, async () => {
    const tonnage = await water.tonnage();
    return { ...tonnage, asOf: iso(tonnage.asOfMs) };
  });

  app.get('/api/water/milestones', { config: { permission: 'water:totals' }, schema: { querystring: formatQuery, response: { 200: milestonesResponse } } }, async (request, reply) => {
    const report = await milestoneReport(water);
    const crossed = report.crossed.map((c) => ({ tonnes: c.tonnes, crossedAt: iso(c.crossedAtMs) }));
    const next = report.next.map((n) => ({ tonnes: n.tonnes, projectedAt: n.projectedAtMs === null ? null : iso(n.projectedAtMs) }));
    if (wantsCsv(request)) {
      const rows = [...crossed.map((c) => ({ tonnes: c.tonnes, status: 'crossed', at: c.crossedAt })), ...next.map((n) => ({ tonnes: n.tonnes, status: 'projected', at: n.projectedAt }))];
      return sendCsv(reply, 'water-milestones', ['tonnes', 'status', 'at'], rows);
    }
    return { ...report, asOf: iso(report.asOfMs), crossed, next };
  });

  app.get('/api/water/meter-resets', { config: { permission: 'water:read' }, schema: { querystring: resetsQuery, response: { 200: resetsResponse, 400: errorSchema } } }, async (request, reply) => {
    const toMs = request.query.to ?? now();
    const resets = (await water.meterResets({ fromMs: request.query.from ?? toMs - 7 * 86_400_000, toMs })).map((r) => ({ ...r, at: iso(r.atMs) }));
    if (wantsCsv(request)) return sendCsv(reply, 'meter-resets', ['meterId', 'at', 'beforeM3', 'afterM3'], resets);
    return { resets };
  });

  app.post(
    '/api/water/meters/:meterId/replacements',
    { config: { permission: 'meters:replace' }, schema: { params: z.strictObject({ meterId: z.string() }), body: replacementBody, response: { 201: z.object({ recorded: z.literal(true) }), 404: errorSchema } } },
    async (request, reply) => {
      const { meterId } = request.params;
      if (!water.site.meters.some((m) => m.id === meterId)) throw notFound('METER_NOT_FOUND', `meter "${meterId}" is not in the site configuration`);
      const { at, oldFinalM3, newInitialM3, comment } = request.body;
      await water.recordReplacement({ meterId, atMs: Date.parse(at), oldFinalM3, newInitialM3, comment, recordedBy: actorOf(callerOf(request)), recordedAtMs: now() });
      return reply.code(201).send({ recorded: true as const });
    },
  );
};

function boundedRange(from: number | undefined, toMs: number, defaultSpanMs: number): TimeRange {
  return { fromMs: from ?? toMs - defaultSpanMs, toMs };
}

function seriesPoint(report: WaterReport, kpi: (typeof seriesQuery)['_zod']['output']['kpi']) {
  const coverage = report.meters.length ? Math.min(...report.meters.map((m) => m.coverage)) : 0;
  const base = { from: iso(report.fromMs), to: iso(report.toMs), coverage };
  if (kpi === 'influent' || kpi === 'recycled' || kpi === 'reject' || kpi === 'tap') return { ...base, value: report.plant.volumesM3[kpi] };
  const ratio = report.plant[kpi];
  return { ...base, value: ratio.value, ...(ratio.reason ? { reason: ratio.reason } : {}) };
}

const TOTAL_COLUMNS = ['period', 'from', 'to', 'influent_m3', 'recycled_m3', 'reject_m3', 'tap_m3', 'recycling_rate', 'recycled_share', 'reuse_factor', 'balance_gap', 'min_coverage', 'provisional'];

function totalRow(label: string, report: WaterReport) {
  const { plant } = report;
  return {
    period: label,
    from: iso(report.fromMs),
    to: iso(report.toMs),
    influent_m3: plant.volumesM3.influent,
    recycled_m3: plant.volumesM3.recycled,
    reject_m3: plant.volumesM3.reject,
    tap_m3: plant.volumesM3.tap,
    recycling_rate: plant.recyclingRate.value,
    recycled_share: plant.recycledShare.value,
    reuse_factor: plant.reuseFactor.value,
    balance_gap: plant.balanceGap.value,
    min_coverage: report.meters.length ? Math.min(...report.meters.map((m) => m.coverage)) : 0,
    provisional: report.provisional,
  };
}
