// Section "water-api": the water endpoints over the backfilled history, per store, under load from a
// second process (a few keep-alive connections, then one for a sequential p99); GET /health is the floor.
import { buildApi } from '../../api/build-api.ts';
import { apiDepsFor, authHeader } from '../../test/fixtures/api-deps.ts';
import type { BenchContext, BenchSection, Target } from '../bench-types.ts';
import { backfilledStores, type BackfilledStore } from '../fixtures/backfilled-stores.ts';
import type { HttpLoadCommand, HttpLoadResult } from '../load/http-load-worker.ts';
import { startWorker, type WorkerProcess } from '../worker-process.ts';

interface Endpoint {
  readonly path: string;
  readonly baseline?: boolean;
  readonly p99?: Target;
  readonly minRps?: number;
}

const ENDPOINTS: readonly Endpoint[] = [
  { path: '/health', baseline: true },
  { path: '/api/water/tonnage', p99: { op: '<', value: 50 }, minRps: 2_000 },
  { path: '/api/water/milestones', p99: { op: '<', value: 50 } },
  { path: '/api/water/totals?period=year', p99: { op: '<', value: 50 } },
  { path: '/api/water/kpis?window=24h', p99: { op: '<=', value: 50 }, minRps: 2_000 },
];
const CONNECTIONS = 4;

interface Timing {
  readonly runs: number;
  readonly loadMs: number;
  readonly sequentialMs: number;
  readonly warmupMs: number;
}

export const waterApiSection: BenchSection = {
  name: 'water-api',
  summary: `GET tonnage, milestones, yearly totals, 24 h KPIs per store from a second process: req/s and p50/p99 at ${CONNECTIONS} connections, sequential p99`,
  async run(ctx) {
    const { stores } = await backfilledStores(ctx);
    const timing: Timing = ctx.quick ? { runs: 1, loadMs: 1_000, sequentialMs: 1_000, warmupMs: 300 } : { runs: ctx.runs(3), loadMs: 2_500, sequentialMs: 1_500, warmupMs: 1_000 };
    ctx.detail('timing', { ...timing, connections: CONNECTIONS });
    const load = startWorker('http-load-worker.ts');
    try {
      for (const backfilled of stores) await ctx.profile(backfilled.kind, () => measureStore(ctx, backfilled, load, timing));
    } finally {
      await load.stop();
    }
  },
};

async function measureStore(ctx: BenchContext, { kind, store }: BackfilledStore, load: WorkerProcess, timing: Timing): Promise<void> {
  const deps = await apiDepsFor(store, ctx.site);
  // Auth on, as deployed (a viewer key checked on every request); the per-key rate limit off, or the
  // load generator would measure 429s.
  const app = await buildApi({ security: { auth: 'on', rateLimitPerMinute: 0 } }, deps);
  const headers = authHeader(deps, 'viewer', 'bench');
  try {
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const endpoint of ENDPOINTS) {
      const status = (await fetch(`${baseUrl}${endpoint.path}`, { headers })).status;
      if (status !== 200) throw new Error(`${kind} GET ${endpoint.path} answered ${status} before the load`);
      ctx.log(`${kind} GET ${endpoint.path}`);
      const run = (connections: number, durationMs: number, warmupMs: number): Promise<HttpLoadResult> =>
        load.request<HttpLoadResult>({ type: 'load', baseUrl, path: endpoint.path, connections, durationMs, warmupMs, headers } satisfies HttpLoadCommand);
      const loaded: HttpLoadResult[] = [];
      const sequential: HttpLoadResult[] = [];
      for (let i = 0; i < timing.runs; i++) loaded.push(await run(CONNECTIONS, timing.loadMs, i === 0 ? timing.warmupMs : 100));
      for (let i = 0; i < timing.runs; i++) sequential.push(await run(1, timing.sequentialMs, 100));
      recordEndpoint(ctx, `${kind} GET ${endpoint.path}`, endpoint, loaded, sequential);
      ctx.detail(`${kind} ${endpoint.path}`, { loaded, sequential });
    }
  } finally {
    await app.close();
    await deps.alarms.stop();
    await deps.alarmStore.close();
  }
}

function recordEndpoint(ctx: BenchContext, label: string, endpoint: Endpoint, loaded: HttpLoadResult[], sequential: HttpLoadResult[]): void {
  const failed = [...loaded, ...sequential].reduce((n, r) => n + r.non2xx + r.errors, 0);
  const note = failed ? `${failed} non-2xx or failed requests` : undefined;
  const baseline = endpoint.baseline === true;
  const common = { baseline, ...(note ? { note } : {}) };
  ctx.record({ name: `${label}: req/s, ${CONNECTIONS} conn`, unit: 'req/s', samples: loaded.map((r) => r.requestsPerSecond), ...common, ...(endpoint.minRps ? { target: { op: '>=', value: endpoint.minRps } } : {}) });
  ctx.record({ name: `${label}: p50, ${CONNECTIONS} conn`, unit: 'ms', samples: loaded.map((r) => r.p50), baseline });
  ctx.record({ name: `${label}: p99, ${CONNECTIONS} conn`, unit: 'ms', samples: loaded.map((r) => r.p99), baseline, ...(endpoint.p99 ? { target: endpoint.p99 } : {}) });
  ctx.record({ name: `${label}: p99, sequential`, unit: 'ms', samples: sequential.map((r) => r.p99), baseline, ...(endpoint.p99 ? { target: endpoint.p99 } : {}) });
}
