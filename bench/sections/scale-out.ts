// Section "scale-out": two ingest processes in one MQTT shared-subscription group (MQTT_SHARE_GROUP →
// $share/<group>/k14/meter/+ and …/cleanroom/+/pms/+, MQTT 5 §4.8.2) on Mosquitto, against one ingest
// alone, interleaved: flood throughput, and the proof that nothing is lost or doubled: distinct points
// stored = messages published, and the messages the two received add up to exactly that.
import type { BenchContext, BenchSection } from '../bench-types.ts';
import { consumerServices, ingestCounter, startConsumer, type ConsumerServices, type RunningConsumer } from '../fixtures/consumers.ts';
import { waitForPoints } from '../fixtures/stored-points.ts';
import { streamStartMs, streamTail } from '../load/device-mix.ts';
import type { FloodCommand, FloodResult } from '../load/device-flood-worker.ts';
import { startWorker, type WorkerProcess } from '../worker-process.ts';

/**
 * A group of its own per run: the members of an earlier run are persistent sessions, and Mosquitto
 * would keep queueing their share of this run's messages for them (1/4 each).
 */
const groupOf = (id: string): string => `k14-ingest-${id}`;

interface ScaleRun {
  readonly perSecond: number;
  readonly published: number;
  readonly stored: number;
  /** ingest_messages_total per process. */
  readonly received: number[];
  /** ingest_points_written_total per process. */
  readonly written: number[];
}

export const scaleOutSection: BenchSection = {
  name: 'scale-out',
  summary: 'two ingest processes in one $share group vs one: flood msg/s, nothing lost or doubled',
  async run(ctx) {
    const services = await consumerServices(ctx);
    const count = ctx.quick ? 30_000 : 200_000;
    const publisher = startWorker('device-flood-worker.ts');
    const single: ScaleRun[] = [];
    const pair: ScaleRun[] = [];
    try {
      for (let i = 0; i < ctx.runs(2); i++) {
        ctx.log(`run ${i + 1}: one ingest`);
        single.push(await floodInto(services, publisher, 1, count, `single_${i}`));
        ctx.log(`run ${i + 1}: two ingests in $share/${groupOf(`pair_${i}`)}`);
        pair.push(await floodInto(services, publisher, 2, count, `pair_${i}`));
      }
    } finally {
      await publisher.stop();
    }
    record(ctx, single, pair);
  },
};

async function floodInto(services: ConsumerServices, publisher: WorkerProcess, processes: number, count: number, id: string): Promise<ScaleRun> {
  const database = `bench_scale_${id}`;
  await services.influxd.createDatabase(database);
  const ingests: RunningConsumer[] = [];
  try {
    for (let p = 0; p < processes; p++) {
      ingests.push(await startConsumer('ingest', services, { database, clientId: `bench-scale-${id}-${p}-${process.pid}`, ...(processes > 1 ? { shareGroup: groupOf(id) } : {}) }));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const startMs = streamStartMs(count, Date.now());
    const flood = publisher.request<FloodResult>({ type: 'flood', mqttUrl: services.mosquitto.url, count, startMs } satisfies FloodCommand);
    const landed = await waitForPoints(services.influxd, database, count, { stallMs: 15_000, tail: streamTail(count, startMs) });
    const { startedAtEpochMs } = await flood;
    // Anything doubled would still be on its way: give it a moment to show in the counters.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const received = await Promise.all(ingests.map((i) => ingestCounter(i.metricsUrl!, 'ingest_messages_total')));
    const written = await Promise.all(ingests.map((i) => ingestCounter(i.metricsUrl!, 'ingest_points_written_total')));
    return { perSecond: landed.stored / ((landed.doneAtMs - startedAtEpochMs) / 1000), published: count, stored: landed.stored, received, written };
  } finally {
    for (const ingest of ingests) await ingest.stop();
    await services.influxd.dropDatabase(database);
  }
}

function record(ctx: BenchContext, single: ScaleRun[], pair: ScaleRun[]): void {
  ctx.record({ name: 'one ingest, flooded', unit: 'msg/s', samples: single.map((r) => r.perSecond), baseline: true });
  ctx.record({ name: 'two ingests in one $share group, flooded', unit: 'msg/s', samples: pair.map((r) => r.perSecond), note: 'one publisher, Mosquitto, influxd and both ingests share the machine' });
  ctx.record({ name: 'two ingests ÷ one', unit: '×', samples: pair.map((r, i) => r.perSecond / single[i]!.perSecond) });
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  ctx.record({ name: 'two ingests: published − distinct points stored (lost)', unit: 'count', samples: pair.map((r) => r.published - r.stored), target: { op: '<=', value: 0 } });
  ctx.record({ name: 'two ingests: received by both − published (doubled)', unit: 'count', samples: pair.map((r) => sum(r.received) - r.published), target: { op: '<=', value: 0 }, note: 'ingest_messages_total of both processes; ingest_points_written_total agrees in the JSON details' });
  ctx.record({ name: 'two ingests: share of the busier process', unit: '%', samples: pair.map((r) => (100 * Math.max(...r.received)) / Math.max(1, sum(r.received))), baseline: true, note: 'Mosquitto hands shared-subscription messages round robin' });
  ctx.detail('runs', { single, pair });
}
