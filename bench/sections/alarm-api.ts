// Section "alarm-api": GET /api/cleanroom/alarms over a year of alarm history (5,000 occurrences on
// the K14 mask-line counters, 20 still active, with their audit trail), per alarm store (SQLite file,
// InfluxDB), under load from a second process as water-api does; GET /health is the floor.
import path from 'node:path';
import { buildApi } from '../../api/build-api.ts';
import { createInfluxAlarmStore } from '../../core/adapters/influx-alarms/influx-alarm-store.ts';
import { openSqliteAlarmStore } from '../../core/adapters/sqlite-alarms/open-sqlite-alarm-store.ts';
import { openSqliteStore } from '../../core/adapters/sqlite/open-sqlite-store.ts';
import type { AlarmInstance, AlarmTransition } from '../../core/domain/cleanroom/alarm-types.ts';
import { cleanroomConfig } from '../../core/domain/cleanroom/cleanroom-config.ts';
import { createEngineState } from '../../core/domain/cleanroom/cleanroom-engine.ts';
import { snapshot } from '../../core/domain/cleanroom/engine-snapshot.ts';
import type { SiteConfig } from '../../core/domain/site/site-schema.ts';
import type { AlarmStore } from '../../core/ports/alarm-store.ts';
import { apiDepsFor, authHeader } from '../../test/fixtures/api-deps.ts';
import type { BenchContext, BenchSection } from '../bench-types.ts';
import type { HttpLoadCommand, HttpLoadResult } from '../load/http-load-worker.ts';
import { startWorker, type WorkerProcess } from '../worker-process.ts';

const OCCURRENCES = 5_000;
const STILL_ACTIVE = 20;
const YEAR_MS = 365 * 24 * 3_600_000;
const CONNECTIONS = 4;
const P99_TARGET_MS = 50;
// Large, like a catch-up after downtime: the InfluxDB alarm store looks up every transition time of
// a change in one query, POSTed when long (a GET of a few hundred would be refused with HTTP 431).
const SAVE_CHUNK = 500;

export const alarmApiSection: BenchSection = {
  name: 'alarm-api',
  summary: `GET /api/cleanroom/alarms (active, all, one room's last 30 days) over ${OCCURRENCES.toLocaleString('en-US')} alarms per alarm store, from a second process: req/s, p50/p99`,
  async run(ctx) {
    const nowMs = Date.now();
    const paths = ['/health', '/api/cleanroom/alarms', '/api/cleanroom/alarms?state=all&limit=200', `/api/cleanroom/alarms?state=all&room=${ctx.site.rooms[0]!.id}&from=${new Date(nowMs - 30 * 86_400_000).toISOString()}`];
    const influxd = await ctx.influxd();
    await influxd.createDatabase('bench_alarms');
    const stores: { kind: string; store: AlarmStore }[] = [
      { kind: 'sqlite', store: openSqliteAlarmStore({ file: path.join(ctx.workDir, 'alarm-api-alarms.sqlite') }) },
      { kind: 'influx', store: createInfluxAlarmStore({ url: influxd.url, bucket: 'bench_alarms' }) },
    ];
    const load = startWorker('http-load-worker.ts');
    try {
      for (const { kind, store } of stores) {
        await store.start();
        ctx.log(`${kind}: seeding ${OCCURRENCES.toLocaleString('en-US')} alarms`);
        await seedAlarms(store, ctx.site, nowMs);
        await ctx.profile(kind, () => measureStore(ctx, kind, store, load, paths));
        await store.close();
      }
    } finally {
      await load.stop();
    }
  },
};

/** Occurrences spread over the past year, each raised and cleared (and acknowledged); the newest still active. */
async function seedAlarms(store: AlarmStore, site: SiteConfig, nowMs: number): Promise<void> {
  const room = site.rooms[0]!;
  const snap = snapshot(createEngineState(cleanroomConfig(site), nowMs));
  for (let start = 0; start < OCCURRENCES; start += SAVE_CHUNK) {
    const alarms: AlarmInstance[] = [];
    const transitions: AlarmTransition[] = [];
    for (let i = start; i < Math.min(OCCURRENCES, start + SAVE_CHUNK); i++) {
      const counter = room.counters[i % room.counters.length]!;
      const channel = (['0.5', '1.0', '5.0'] as const)[i % 3]!;
      const raisedAt = nowMs - YEAR_MS + Math.floor((i * YEAR_MS) / OCCURRENCES);
      const active = i >= OCCURRENCES - STILL_ACTIVE;
      const clearedAt = active ? null : raisedAt + 20 * 60_000;
      const key = `${room.id}/${counter.id}/${channel}`;
      const alarm: AlarmInstance = {
        id: `bench-${i}`, key, kind: 'excursion', roomId: room.id, counterId: counter.id, channel, severity: i % 4 ? 'alert' : 'action',
        state: active ? 'active-unacknowledged' : 'normal', conditionActive: active, raisedAt, clearedAt,
        acknowledgedAt: active ? null : raisedAt + 5 * 60_000, acknowledgedBy: active ? null : 'key:bench', acknowledgeComment: active ? null : 'door left open during gowning',
        shelvedAt: null, shelvedBy: null, shelveComment: null, shelvedUntil: null, peakPerM3: 30_000 + (i % 7) * 1_000, levelPerM3: 24_640,
      };
      alarms.push(alarm);
      const base = { alarmId: alarm.id, key, kind: 'excursion' as const, severity: alarm.severity, suppressed: false, concentrationPerM3: alarm.peakPerM3, levelPerM3: alarm.levelPerM3 };
      transitions.push({ ...base, atMs: raisedAt, actor: 'system', comment: null, cause: 'raised', from: 'normal', to: 'active-unacknowledged', conditionActive: true, conditionAtMs: raisedAt });
      if (!active) {
        transitions.push({ ...base, atMs: raisedAt + 5 * 60_000, actor: 'key:bench', comment: alarm.acknowledgeComment, cause: 'acknowledged', from: 'active-unacknowledged', to: 'active-acknowledged', conditionActive: true, conditionAtMs: null });
        transitions.push({ ...base, atMs: clearedAt!, actor: 'system', comment: null, cause: 'cleared', from: 'active-acknowledged', to: 'normal', conditionActive: false, conditionAtMs: clearedAt });
      }
    }
    await store.saveChanges({ alarms, transitions, snapshot: snap });
  }
}

async function measureStore(ctx: BenchContext, kind: string, alarmStore: AlarmStore, load: WorkerProcess, paths: readonly string[]): Promise<void> {
  const telemetry = openSqliteStore({ file: ':memory:' });
  await telemetry.start();
  const deps = { ...(await apiDepsFor(telemetry, ctx.site)), alarmStore };
  const app = await buildApi({ security: { auth: 'on', rateLimitPerMinute: 0 } }, deps);
  const headers = authHeader(deps, 'viewer', 'bench');
  const timing = ctx.quick ? { runs: 1, loadMs: 1_000, warmupMs: 300 } : { runs: ctx.runs(3), loadMs: 2_500, warmupMs: 1_000 };
  try {
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const urlPath of paths) {
      const response = await fetch(`${baseUrl}${urlPath}`, { headers });
      const body = (await response.json()) as { alarms?: unknown[] };
      if (response.status !== 200) throw new Error(`${kind} GET ${urlPath} answered ${response.status} before the load`);
      ctx.log(`${kind} GET ${urlPath}${body.alarms ? ` (${body.alarms.length} alarms)` : ''}`);
      const runs: HttpLoadResult[] = [];
      for (let i = 0; i < timing.runs; i++) {
        runs.push(await load.request<HttpLoadResult>({ type: 'load', baseUrl, path: urlPath, connections: CONNECTIONS, durationMs: timing.loadMs, warmupMs: i === 0 ? timing.warmupMs : 100, headers } satisfies HttpLoadCommand));
      }
      const baseline = urlPath === '/health';
      const failed = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
      const label = `${kind} GET ${urlPath.replace(/&from=[^&]+/, '&from=30 days ago')}`;
      ctx.record({ name: `${label}: req/s, ${CONNECTIONS} conn`, unit: 'req/s', samples: runs.map((r) => r.requestsPerSecond), baseline, ...(failed ? { note: `${failed} non-2xx or failed requests` } : {}) });
      ctx.record({ name: `${label}: p50, ${CONNECTIONS} conn`, unit: 'ms', samples: runs.map((r) => r.p50), baseline });
      ctx.record({ name: `${label}: p99, ${CONNECTIONS} conn`, unit: 'ms', samples: runs.map((r) => r.p99), baseline, ...(baseline ? {} : { target: { op: '<=', value: P99_TARGET_MS } }) });
      ctx.detail(`${kind} ${urlPath}`, runs);
    }
  } finally {
    await app.close();
    await deps.alarms.stop();
    await telemetry.close();
  }
}
