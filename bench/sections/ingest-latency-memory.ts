// Section "ingest-latency-memory": ingest and the API as deployed (two processes, InfluxDB store, the
// API's engines on ingest's live topic) under the 1,000-device mix: publish → stored in InfluxDB at a
// steady 2,000 msg/s, against the naive consumer flushing as often (the machine's floor, measured
// first, alone on the broker); both processes' peak resident memory during a flood and during an
// InfluxDB outage (influxd stopped with SIGSTOP: a hung server, the harder case) at 2,000 msg/s.
import mqtt from 'mqtt';
import type { BenchContext, BenchSection } from '../bench-types.ts';
import { consumerServices, startApiProcess, startConsumer, type ConsumerServices } from '../fixtures/consumers.ts';
import { sampleRss, type ServiceProcess } from '../fixtures/service-process.ts';
import { storedPoints, waitForPoints } from '../fixtures/stored-points.ts';
import { streamStartMs, streamTail } from '../load/device-mix.ts';
import type { FloodCommand, FloodResult } from '../load/device-flood-worker.ts';
import type { SteadyCommand, SteadyResult } from '../load/stored-latency-worker.ts';
import { latencySummary } from '../stats.ts';
import { startWorker, type WorkerProcess } from '../worker-process.ts';

const RATE = 2_000;
const P99_TARGET_MS = 120;
/** Ingest's default WRITE_FLUSH_MS; the naive baseline writes as often. */
const FLUSH_MS = 20;
const FLOOD_RSS_TARGET_MB = 200;
const OUTAGE_GROWTH_TARGET_MB = 20;
/** Room for every message of every phase in one stream of distinct points. */
const STREAM_CAPACITY = 2_000_000;

interface System {
  readonly services: ConsumerServices;
  readonly database: string;
  readonly ingest: ServiceProcess;
  readonly api: ServiceProcess;
  readonly startMs: number;
  /** Messages of the stream published so far (the next phase continues from here). */
  published: number;
}

/** Where a steady run publishes and polls: one database, one stream continued run after run. */
type SteadyTarget = Pick<System, 'services' | 'database' | 'startMs' | 'published'>;

export const ingestLatencyMemorySection: BenchSection = {
  name: 'ingest-latency-memory',
  summary: `publish → stored p50/p99 at ${RATE.toLocaleString('en-US')} msg/s (and a naive consumer's as the floor); ingest and API peak RSS in a flood and a ${'60 s'} InfluxDB outage (both as their own processes)`,
  async run(ctx) {
    const services = await consumerServices(ctx);
    const steady = startWorker('stored-latency-worker.ts');
    const flood = startWorker('device-flood-worker.ts');
    try {
      const floor = await measureNaiveLatency(ctx, services, steady);
      const database = 'bench_latency_memory';
      await services.influxd.createDatabase(database);
      const ingest = await startConsumer('ingest', services, { database, clientId: `bench-lm-ingest-${process.pid}`, profileName: 'ingest' });
      const api = await startApiProcess(services, { database, clientId: `bench-lm-api-${process.pid}` }).catch(async (error: unknown) => {
        await ingest.stop();
        throw error;
      });
      const system: System = { services, database, ingest, api, startMs: streamStartMs(STREAM_CAPACITY, Date.now()), published: 0 };
      try {
        await measureLatency(ctx, system, steady, floor);
        await measureOutage(ctx, system, steady);
        await measureFlood(ctx, system, flood);
      } finally {
        await api.stop();
        await ingest.stop();
        await services.influxd.dropDatabase(database);
      }
    } finally {
      await Promise.all([steady.stop(), flood.stop()]);
    }
  },
};

function steadyCommand(system: SteadyTarget, durationMs: number): SteadyCommand {
  const { services, database, startMs, published } = system;
  return { type: 'steady', mqttUrl: services.mosquitto.url, influxUrl: services.influxd.directUrl, database, messagesPerSecond: RATE, fromMessage: published, startMs, durationMs };
}

/** Publish → stored p99 of each run (a warm-up run first), the steady worker polling `target`'s database. */
async function latencyRuns(ctx: BenchContext, label: string, target: SteadyTarget, steady: WorkerProcess, durationMs: number): Promise<SteadyResult[]> {
  // A short warm-up run: JIT, connections, the first shard.
  target.published += (await steady.request<SteadyResult>(steadyCommand(target, 2_000))).published;
  const runs: SteadyResult[] = [];
  for (let i = 0; i < ctx.runs(3); i++) {
    ctx.log(`${label}: publish → stored at ${RATE} msg/s, run ${i + 1}`);
    const result = await ctx.profile(`steady-${label}`, () => steady.request<SteadyResult>(steadyCommand(target, durationMs)));
    target.published += result.published;
    runs.push(result);
  }
  return runs;
}

/**
 * The naive consumer writing every FLUSH_MS, alone on the broker: what this machine's Mosquitto,
 * influxd and polling give before any of ingest's work. Its session is discarded afterwards, or
 * Mosquitto would go on queueing the rest of the section's traffic for it.
 */
async function measureNaiveLatency(ctx: BenchContext, services: ConsumerServices, steady: WorkerProcess): Promise<SteadyResult[]> {
  const database = 'bench_latency_naive';
  const clientId = `bench-lm-naive-${process.pid}`;
  await services.influxd.createDatabase(database);
  const naive = await startConsumer('naive', services, { database, clientId, flushMs: FLUSH_MS });
  try {
    const target: SteadyTarget = { services, database, startMs: streamStartMs(STREAM_CAPACITY, Date.now()), published: 0 };
    return await latencyRuns(ctx, 'naive', target, steady, ctx.quick ? 5_000 : 10_000);
  } finally {
    await naive.stop();
    await discardSession(services.mosquitto.url, clientId);
    await services.influxd.dropDatabase(database);
  }
}

async function discardSession(mqttUrl: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
  await client.endAsync();
}

async function measureLatency(ctx: BenchContext, system: System, steady: WorkerProcess, floor: readonly SteadyResult[]): Promise<void> {
  const durationMs = ctx.quick ? 5_000 : 10_000;
  const runs = await latencyRuns(ctx, 'ingest', system, steady, durationMs);
  const summaries = runs.map((r) => latencySummary(r.latenciesMs));
  const floorSummaries = floor.map((r) => latencySummary(r.latenciesMs));
  const unseen = runs.reduce((n, r) => n + r.unseen, 0);
  const note = `${summaries.reduce((n, s) => n + s.count, 0)} marker readings (20 meters) over ${runs.length} run(s) of ${durationMs / 1000} s, InfluxDB polled back to back${unseen ? `; ${unseen} never seen stored` : ''}; WRITE_FLUSH_MS ${FLUSH_MS} (default)`;
  const rate = RATE.toLocaleString('en-US');
  ctx.record({ name: `naive consumer (${FLUSH_MS} ms flush) publish → stored, ${rate} msg/s: p50`, unit: 'ms', samples: floorSummaries.map((s) => s.p50), baseline: true });
  ctx.record({ name: `naive consumer (${FLUSH_MS} ms flush) publish → stored, ${rate} msg/s: p99`, unit: 'ms', samples: floorSummaries.map((s) => s.p99), baseline: true, note: 'measured first, alone on the broker: the floor of this machine, Mosquitto, influxd and the polling' });
  ctx.record({ name: `publish → stored in InfluxDB, ${rate} msg/s: p50`, unit: 'ms', samples: summaries.map((s) => s.p50) });
  ctx.record({ name: `publish → stored in InfluxDB, ${rate} msg/s: p99`, unit: 'ms', samples: summaries.map((s) => s.p99), target: { op: '<=', value: P99_TARGET_MS }, note });
  ctx.record({ name: `steady load achieved`, unit: 'msg/s', samples: runs.map((r) => r.publishedPerSecond), baseline: true });
  ctx.detail('latency', { summaries, floorSummaries, unseen, polls: runs.map((r) => r.polls) });
}

async function measureOutage(ctx: BenchContext, system: System, steady: WorkerProcess): Promise<void> {
  const { influxd } = system.services;
  const beforeMs = 5_000;
  const outageMs = ctx.quick ? 15_000 : 60_000;
  const label = `${outageMs / 1000} s InfluxDB outage at ${RATE.toLocaleString('en-US')} msg/s`;
  ctx.log(label);
  const running = steady.request<SteadyResult>({ ...steadyCommand(system, 0), settleMs: 60_000 });
  await sleep(beforeMs);
  const before = { ingest: system.ingest.rssMb(), api: system.api.rssMb() };
  await influxd.pause();
  const sampler = sampleRss([system.ingest, system.api], 200);
  const outageStarted = Date.now();
  try {
    await sleep(outageMs);
  } finally {
    await influxd.resume();
  }
  const during = sampler.stop();
  const resumedAt = Date.now();
  steady.notify({ type: 'stop' });
  const result = await running;
  system.published += result.published;
  // Catch-up: the journal's backlog into the store, after influxd answers again.
  const landed = await waitForPoints(influxd, system.database, system.published, { intervalMs: 200, stallMs: 60_000 });
  const after = { ingest: system.ingest.rssMb(), api: system.api.rssMb() };
  ctx.record({ name: `ingest RSS before the outage`, unit: 'MB', samples: [before.ingest], baseline: true });
  ctx.record({ name: `ingest peak RSS growth during a ${label}`, unit: 'MB', samples: [during.ingest! - before.ingest], target: { op: '<=', value: OUTAGE_GROWTH_TARGET_MB }, note: `peak ${during.ingest!.toFixed(0)} MB during, ${after.ingest.toFixed(0)} MB after catching up` });
  ctx.record({ name: `API peak RSS during a ${label}`, unit: 'MB', samples: [during.api!], note: `${before.api.toFixed(0)} MB before` });
  ctx.record({ name: `catch-up after the outage (journal backlog → InfluxDB)`, unit: 's', samples: [(landed.doneAtMs - resumedAt) / 1000], note: `${landed.stored.toLocaleString('en-US')} of ${system.published.toLocaleString('en-US')} published readings stored${landed.timedOut ? ' (timed out)' : ''}` });
  ctx.detail('outage', { outageMs, before, during, after, outageStartedAt: outageStarted, landed, steady: { published: result.published, perSecond: result.publishedPerSecond } });
}

async function measureFlood(ctx: BenchContext, system: System, flood: WorkerProcess): Promise<void> {
  const count = ctx.quick ? 30_000 : 200_000;
  const peaks: { ingest: number; api: number }[] = [];
  for (let i = 0; i < ctx.runs(2); i++) {
    ctx.log(`flood of ${count.toLocaleString('en-US')} messages, run ${i + 1}`);
    const sampler = sampleRss([system.ingest, system.api], 100);
    const already = await storedPoints(system.services.influxd, system.database);
    const startMs = system.startMs + Math.ceil(system.published / 1_000 + 2) * 1_000;
    // A fresh stretch of the stream: the flood worker numbers from 0, so shift its time base instead.
    await flood.request<FloodResult>({ type: 'flood', mqttUrl: system.services.mosquitto.url, count, startMs } satisfies FloodCommand);
    await waitForPoints(system.services.influxd, system.database, already + count, { tail: streamTail(count, startMs) });
    const peak = sampler.stop();
    system.published += count;
    peaks.push({ ingest: peak.ingest ?? 0, api: peak.api ?? 0 });
  }
  const note = `${count.toLocaleString('en-US')} messages as fast as one publisher goes, until all are stored`;
  ctx.record({ name: `ingest peak RSS, flooded`, unit: 'MB', samples: peaks.map((p) => p.ingest), target: { op: '<=', value: FLOOD_RSS_TARGET_MB }, note });
  ctx.record({ name: `API peak RSS, flooded`, unit: 'MB', samples: peaks.map((p) => p.api) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
