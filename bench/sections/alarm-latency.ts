// Section "alarm-latency": device publish → websocket alarm transition through real Mosquitto, ingest
// (journal, live topic) and the API service, idle and under background meter load; also publish →
// live water KPI update. Baselines: the broker's own publish → subscribe round trip, and the idle system.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { ApiService } from '../../api/api-service.ts';
import { openSqliteApiKeyStore } from '../../api/auth/sqlite-api-key-store.ts';
import { openSqliteStore } from '../../core/adapters/sqlite/open-sqlite-store.ts';
import { loadConfig } from '../../core/config/app-config.ts';
import { MetricsRegistry } from '../../core/observability/metrics.ts';
import { IngestService } from '../../ingest/ingest-service.ts';
import { testIngestOptions } from '../../test/integration/spine/ingest-fixture.ts';
import type { BenchContext, BenchSection } from '../bench-types.ts';
import type { ProbeConnect, ProbeMeasure, ProbeMeasurement } from '../load/alarm-probe-worker.ts';
import type { MeterLoadResult, MeterLoadStart } from '../load/meter-load-worker.ts';
import { waitForQuietCpu } from '../quiet-cpu.ts';
import { latencySummary, type LatencySummary } from '../stats.ts';
import { startWorker, type WorkerProcess } from '../worker-process.ts';

/** Background meter load of each loaded phase, with its alarm p99 target (ms). */
const LOADS = [
  { messagesPerSecond: 2_000, p99TargetMs: 50 },
  { messagesPerSecond: 20_000, p99TargetMs: 100 },
] as const;
const LOAD_WARMUP_MS = 3_000;
const SAMPLE_GAP_MS = 25;
const MARKER_EVERY_MS = 500;
const ROUND_TRIPS = 200;
const MARKER_METER = 'rej-1';

export const alarmLatencySection: BenchSection = {
  name: 'alarm-latency',
  summary: `publish → websocket alarm transition and live water KPI latency (Mosquitto, ingest, API), idle and at ${LOADS.map((l) => l.messagesPerSecond.toLocaleString('en-US')).join(' and ')} meter msg/s`,
  async run(ctx) {
    const stops: (() => Promise<void>)[] = [];
    try {
      const { mqttUrl, wsUrl, apiKey } = await startSystem(ctx, stops);
      const probe = startWorker('alarm-probe-worker.ts');
      stops.push(() => probe.stop());
      const room = ctx.site.rooms[0]!;
      await probe.request({ type: 'connect', mqttUrl, wsUrl, apiKey, roomId: room.id, counterIds: room.counters.map((c) => c.id), markerMeterId: MARKER_METER } satisfies ProbeConnect);
      ctx.detail('quietBefore', await waitForQuietCpu());
      await ctx.profile('idle', () => measurePhase(ctx, probe, undefined));
      for (const phase of LOADS) {
        const load = startWorker('meter-load-worker.ts');
        stops.push(() => load.stop());
        const loadDone = load.request<MeterLoadResult>({ type: 'start', mqttUrl, siteFile: ctx.siteFile, messagesPerSecond: phase.messagesPerSecond } satisfies MeterLoadStart);
        await new Promise((resolve) => setTimeout(resolve, LOAD_WARMUP_MS));
        await ctx.profile(`loaded-${phase.messagesPerSecond}`, () => measurePhase(ctx, probe, phase));
        load.notify({ type: 'stop' });
        const achieved = await loadDone;
        ctx.record({
          name: `background meter messages published (${phase.messagesPerSecond.toLocaleString('en-US')} msg/s asked)`,
          unit: 'msg/s',
          samples: [achieved.publishedPerSecond],
          note: `${achieved.acknowledged.toLocaleString('en-US')} of ${achieved.published.toLocaleString('en-US')} acknowledged by ingest (PUBACK after the journal append)`,
        });
        ctx.detail(`backgroundLoad-${phase.messagesPerSecond}`, achieved);
        await load.stop();
        ctx.detail(`quietAfter-${phase.messagesPerSecond}`, await waitForQuietCpu());
      }
      await probe.request({ type: 'close' });
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

/** Ingest and the API service in this process, wired as the cleanroom end-to-end test does. */
async function startSystem(ctx: BenchContext, stops: (() => Promise<void>)[]): Promise<{ mqttUrl: string; wsUrl: string; apiKey: string }> {
  const mosquitto = await ctx.mosquitto();
  const dir = path.join(ctx.workDir, 'alarm-latency');
  mkdirSync(dir, { recursive: true });
  const logger = pino({ level: 'silent' });
  const store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
  await store.start();
  stops.push(() => store.close());
  const ingest = new IngestService(testIngestOptions({ url: mosquitto.url, protocolVersion: 5, dir, site: ctx.site, store, registry: new MetricsRegistry(), logger }));
  await ingest.start();
  stops.push(() => ingest.stop());
  const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', MQTT_URL: mosquitto.url, API_MQTT_CLIENT_ID: `bench-api-${process.pid}` });
  // A viewer key made before the first start, as `npm run api-keys -- create` would.
  const keyStore = openSqliteApiKeyStore(config.security.keysFile);
  const apiKey = keyStore.create({ role: 'viewer', name: 'bench probe' }, Date.now()).key;
  keyStore.close();
  const api = new ApiService({ config, site: ctx.site, store, registry: new MetricsRegistry(), logger, mqttUrl: mosquitto.url });
  const base = await api.start();
  stops.push(() => api.stop());
  return { mqttUrl: mosquitto.url, wsUrl: `${base.replace(/^http/, 'ws')}/ws`, apiKey };
}

/** load undefined: the idle phase. */
async function measurePhase(ctx: BenchContext, probe: WorkerProcess, load: (typeof LOADS)[number] | undefined): Promise<void> {
  const phase = load === undefined ? 'idle' : `loaded-${load.messagesPerSecond}`;
  const label = load === undefined ? 'idle' : `${load.messagesPerSecond.toLocaleString('en-US')} meter msg/s`;
  const loaded = load !== undefined;
  const transitions = ctx.quick ? 100 : 200;
  ctx.log(`${phase}: broker round trip`);
  const roundTrip = latencySummary(await probe.request<number[]>({ type: 'broker-rtt', count: ctx.quick ? 100 : ROUND_TRIPS, gapMs: 5 }));
  ctx.record({ name: `mosquitto publish → subscribe, ${label}: p99`, unit: 'ms', samples: [roundTrip.p99], baseline: true, note: phase === 'idle' ? 'QoS 1 to itself, one at a time: the floor under every MQTT hop' : undefined });
  const runs: ProbeMeasurement[] = [];
  const loopBlockedMs: number[] = [];
  for (let i = 0; i < ctx.runs(3); i++) {
    ctx.log(`${phase}: excursion run ${i + 1}`);
    // Ingest, the API and SQLite share this process's event loop: its longest stall bounds what a p99 can hide.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    runs.push(await probe.request<ProbeMeasurement>({ type: 'measure', transitions, gapMs: SAMPLE_GAP_MS, markerEveryMs: MARKER_EVERY_MS } satisfies ProbeMeasure));
    loopDelay.disable();
    loopBlockedMs.push(loopDelay.max / 1e6);
  }
  const perRun = runs.map((r) => latencySummary([...r.raiseMs, ...r.clearMs]));
  const water = runs.map((r) => latencySummary(r.waterMs));
  const timeouts = runs.reduce((n, r) => n + r.timeouts, 0);
  const pooled = latencySummary(runs.flatMap((r) => [...r.raiseMs, ...r.clearMs]));
  const note = `${pooled.count} transitions over ${runs.length} run(s), pooled p99 ${pooled.p99.toFixed(1)} ms${timeouts ? `, ${timeouts} timed out` : ''}${load?.messagesPerSecond === 2_000 ? '; ≤ 20 ms is the later goal' : ''}`;
  ctx.record({ name: `alarm transition publish → ws, ${label}: p50`, unit: 'ms', samples: perRun.map((s) => s.p50), baseline: !loaded });
  ctx.record({ name: `alarm transition publish → ws, ${label}: p99`, unit: 'ms', samples: perRun.map((s) => s.p99), baseline: !loaded, note, ...(load ? { target: { op: '<=', value: load.p99TargetMs } } : {}) });
  const waterNote = `${water.reduce((n, s) => n + s.count, 0)} markers seen; LiveWater publishes at most every 250 ms`;
  ctx.record({ name: `water KPI update publish → ws, ${label}: p50`, unit: 'ms', samples: water.map((s) => s.p50) });
  ctx.record({ name: `water KPI update publish → ws, ${label}: p99`, unit: 'ms', samples: water.map((s) => s.p99), note: waterNote });
  ctx.record({ name: `longest event-loop stall of ingest + API (one process), ${label}`, unit: 'ms', samples: loopBlockedMs, note: 'perf_hooks.monitorEventLoopDelay max over each run' });
  ctx.detail(phase, { roundTrip, perRun, pooled, raise: summaries(runs, 'raiseMs'), clear: summaries(runs, 'clearMs'), water, timeouts, elapsedMs: runs.map((r) => r.elapsedMs) });
}

function summaries(runs: readonly ProbeMeasurement[], key: 'raiseMs' | 'clearMs'): LatencySummary[] {
  return runs.map((r) => latencySummary(r[key]));
}
