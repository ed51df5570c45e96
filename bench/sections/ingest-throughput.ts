// Section "ingest-throughput": device messages → InfluxDB through ingest as deployed (its own process:
// validate, journal, acknowledge, write, republish live), flooded by a publisher on the same machine
// and draining a backlog queued in Mosquitto; against a naive consumer (with and without a journal)
// and Node-RED 4, measured in the same run, interleaved. A figure is messages per second until every
// message is a point in InfluxDB (counted there).
import type { BenchContext, BenchSection } from '../bench-types.ts';
import { CONSUMER_LABEL, consumerServices, startConsumer, type ConsumerKind, type ConsumerServices } from '../fixtures/consumers.ts';
import { ensureNodeRed } from '../fixtures/node-red.ts';
import { cpuSecondsByRole, cpuSnapshot, type CpuSnapshot } from '../fixtures/process-cpu.ts';
import { waitForPoints } from '../fixtures/stored-points.ts';
import { streamStartMs, streamTail } from '../load/device-mix.ts';
import type { FloodCommand, FloodResult, PrepareFloodCommand } from '../load/device-flood-worker.ts';
import { median } from '../stats.ts';
import { startWorker, type WorkerProcess } from '../worker-process.ts';

const RATIO_TARGET = 0.8;
const NODE_RED_RATIO_TARGET = 2;
const SETTLE_MS = 300;

type Mode = 'flood' | 'drain';

interface RunFigures {
  readonly perSecond: number;
  readonly stored: number;
  readonly expected: number;
  readonly peakRssMb: number;
  readonly publishedPerSecond: number;
  /** CPU µs a message by process while it was measured (consumer, publisher, mosquitto, influxd, bench, other). */
  readonly cpuMicrosPerMessage: Record<string, number>;
}

export const ingestThroughputSection: BenchSection = {
  name: 'ingest-throughput',
  summary: 'device msg/s validated, journalled, written to InfluxDB and acknowledged by ingest (own process), flooded and draining a broker backlog, vs a naive consumer and Node-RED 4',
  async run(ctx) {
    const redJs = await ensureNodeRed(ctx.log).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.log(`Node-RED unavailable, going on without it: ${reason}`);
      ctx.detail('nodeRed', { installed: false, reason });
      return undefined;
    });
    const services = await consumerServices(ctx, redJs);
    const kinds: ConsumerKind[] = ['naive', 'naive-journal', 'ingest', ...(redJs ? (['node-red'] as const) : [])];
    const floodCount = ctx.quick ? 30_000 : 200_000;
    const backlog = ctx.quick ? 100_000 : 500_000;
    const runs = ctx.runs(3);
    // Node-RED is the slowest by far; two runs are enough to show the ratio.
    const runsOf = (kind: ConsumerKind): number => (kind === 'node-red' ? Math.min(runs, 2) : runs);
    ctx.detail('load', { floodCount, backlog, runs, devices: 1_000, mix: '80 % meter readings, 20 % particle samples' });
    const publisher = startWorker('device-flood-worker.ts');
    try {
      for (const mode of ['flood', 'drain'] as const) {
        const count = mode === 'flood' ? floodCount : backlog;
        const results = new Map<ConsumerKind, RunFigures[]>(kinds.map((k) => [k, []]));
        for (let run = 0; run < runs; run++) {
          // Rotated, so no consumer always goes first (or last) on a machine that drifts.
          const order = kinds.map((_, i) => kinds[(i + run) % kinds.length]!).filter((k) => run < runsOf(k));
          for (const kind of order) {
            ctx.log(`${mode} run ${run + 1}/${runs}: ${CONSUMER_LABEL[kind]}, ${count.toLocaleString('en-US')} messages`);
            const measure = () => (mode === 'flood' ? floodRun(services, publisher, kind, count, `${mode}-${kind}-${run}`) : drainRun(services, publisher, kind, count, `${mode}-${kind}-${run}`));
            const figures = await measure();
            results.get(kind)!.push(figures);
            ctx.log(`  ${Math.round(figures.perSecond).toLocaleString('en-US')} msg/s, ${figures.stored.toLocaleString('en-US')}/${figures.expected.toLocaleString('en-US')} stored, peak RSS ${figures.peakRssMb.toFixed(0)} MB; CPU µs a message: ${describeCpu(figures.cpuMicrosPerMessage)}`);
          }
        }
        recordMode(ctx, mode, results);
      }
    } finally {
      await publisher.stop();
    }
  },
};

/** The consumer runs; the publisher floods `count` messages; done when all are points in InfluxDB. */
async function floodRun(services: ConsumerServices, publisher: WorkerProcess, kind: ConsumerKind, count: number, id: string): Promise<RunFigures> {
  const database = `bench_${id.replace(/-/g, '_')}`;
  await services.influxd.createDatabase(database);
  const consumer = await startConsumer(kind, services, { database, clientId: `bench-${id}-${process.pid}`, profileName: kind === 'ingest' ? id : undefined });
  try {
    await sleep(SETTLE_MS);
    const startMs = streamStartMs(count, Date.now());
    await publisher.request({ type: 'prepare', count, startMs } satisfies PrepareFloodCommand);
    const cpuBefore = cpuSnapshot();
    const published = publisher.request<FloodResult>({ type: 'flood', mqttUrl: services.mosquitto.url, count, startMs } satisfies FloodCommand);
    const landed = await waitForPoints(services.influxd, database, count, { tail: streamTail(count, startMs) });
    const cpu = cpuMicrosPerMessage(cpuBefore, { consumer: consumer.pid, publisher: publisher.pid }, count);
    const flood = await published;
    const peakRssMb = consumer.peakRssMb();
    return { perSecond: landed.stored / ((landed.doneAtMs - flood.startedAtEpochMs) / 1000), stored: landed.stored, expected: count, peakRssMb, publishedPerSecond: flood.publishedPerSecond, cpuMicrosPerMessage: cpu };
  } finally {
    await consumer.stop();
    await services.influxd.dropDatabase(database);
  }
}

/**
 * The consumer subscribes once and goes away; the publisher queues `count` messages in Mosquitto for
 * its session; the consumer comes back. Timed from the first point it stores to the last, so process
 * start-up (tsx, Node-RED loading its nodes) is left out alike for all.
 */
async function drainRun(services: ConsumerServices, publisher: WorkerProcess, kind: ConsumerKind, count: number, id: string): Promise<RunFigures> {
  const database = `bench_${id.replace(/-/g, '_')}`;
  await services.influxd.createDatabase(database);
  const clientId = `bench-${id}-${process.pid}`;
  try {
    await (await startConsumer(kind, services, { database, clientId })).stop();
    const startMs = streamStartMs(count, Date.now());
    const flood = await publisher.request<FloodResult>({ type: 'flood', mqttUrl: services.mosquitto.url, count, startMs } satisfies FloodCommand);
    const cpuBefore = cpuSnapshot();
    const consumer = await startConsumer(kind, services, { database, clientId, profileName: kind === 'ingest' ? id : undefined });
    try {
      const landed = await waitForPoints(services.influxd, database, count, { tail: streamTail(count, startMs) });
      // Start-up included here (tsx, Node-RED loading its nodes), unlike the rate.
      const cpu = cpuMicrosPerMessage(cpuBefore, { consumer: consumer.pid, publisher: publisher.pid }, count);
      const perSecond = (landed.stored - landed.firstCount) / (Math.max(1, landed.doneAtMs - landed.firstAtMs) / 1000);
      return { perSecond, stored: landed.stored, expected: count, peakRssMb: consumer.peakRssMb(), publishedPerSecond: flood.publishedPerSecond, cpuMicrosPerMessage: cpu };
    } finally {
      await consumer.stop();
    }
  } finally {
    await services.influxd.dropDatabase(database);
  }
}

function recordMode(ctx: BenchContext, mode: Mode, results: ReadonlyMap<ConsumerKind, RunFigures[]>): void {
  const what = mode === 'flood' ? 'flooded (publisher on the same machine)' : 'draining a broker backlog';
  const perSecond = (kind: ConsumerKind): number[] => (results.get(kind) ?? []).map((r) => r.perSecond);
  for (const [kind, runs] of results) {
    if (runs.length === 0) continue;
    const lost = runs.reduce((n, r) => n + (r.expected - r.stored), 0);
    ctx.record({
      name: `${CONSUMER_LABEL[kind]}, ${what}`,
      unit: 'msg/s',
      samples: perSecond(kind),
      baseline: kind !== 'ingest',
      ...(lost ? { note: `${lost} messages never stored` } : {}),
    });
  }
  const ingest = perSecond('ingest');
  const naive = perSecond('naive');
  if (ingest.length && naive.length) {
    // Run by run: the two ran next to each other, so the ratio cancels most of the machine's drift.
    ctx.record({ name: `ingest ÷ naive consumer, ${mode}`, unit: '×', samples: ingest.map((v, i) => v / (naive[i] ?? naive[0]!)), target: { op: '>=', value: RATIO_TARGET } });
  }
  const journalled = perSecond('naive-journal');
  if (journalled.length && naive.length) {
    ctx.record({ name: `naive + journal ÷ naive, ${mode}`, unit: '×', samples: journalled.map((v, i) => v / (naive[i] ?? naive[0]!)), baseline: true });
  }
  const nodeRed = perSecond('node-red');
  if (ingest.length && nodeRed.length) {
    ctx.record({ name: `ingest ÷ Node-RED 4, ${mode}`, unit: '×', samples: nodeRed.map((v, i) => (ingest[i] ?? median(ingest)) / v), target: { op: '>=', value: NODE_RED_RATIO_TARGET } });
  }
  ctx.record({ name: `publisher's own rate, ${mode === 'flood' ? 'while flooding' : 'queueing the backlog'}`, unit: 'msg/s', samples: [...results.values()].flat().map((r) => r.publishedPerSecond), baseline: true, note: 'one raw-socket publisher, frames built before the clock starts, QoS 1 into Mosquitto, window of 1,000 unacknowledged' });
  ctx.detail(mode, Object.fromEntries(results));
}

/** CPU µs a message since `before`, by process: the consumer, the publisher, the services, this process (write proxy, polls). */
function cpuMicrosPerMessage(before: CpuSnapshot, pids: { consumer: number; publisher: number | undefined }, messages: number): Record<string, number> {
  const roles = { consumer: pids.consumer, publisher: pids.publisher ?? -1, mosquitto: 'mosquitto', influxd: 'influxd', bench: process.pid };
  const seconds = cpuSecondsByRole(before, cpuSnapshot(), roles);
  return Object.fromEntries(Object.entries(seconds).map(([role, s]) => [role, Math.round((s * 1e6) / messages * 10) / 10]));
}

const describeCpu = (micros: Record<string, number>): string =>
  Object.entries(micros)
    .map(([role, us]) => `${role} ${us.toFixed(1)}`)
    .join(', ');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
