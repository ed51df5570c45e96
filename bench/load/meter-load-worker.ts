// Background meter traffic (child process): the K14 meter fleet at a fixed message rate over MQTT QoS 1,
// timestamps following the wall clock and strictly increasing per meter, until told to stop.
import mqtt from 'mqtt';
import { devicePayloadOf, deviceTopicOf } from '../../core/domain/messages/device-message.ts';
import { loadSiteConfig } from '../../core/config/load-site.ts';
import { MeterFleet } from '../../simulators/meter-fleet.ts';
import { serveCommands } from '../worker-process.ts';

export interface MeterLoadStart {
  readonly type: 'start';
  readonly mqttUrl: string;
  /** The site configuration file (config/site.k14.json). */
  readonly siteFile: string;
  readonly messagesPerSecond: number;
}

export interface MeterLoadResult {
  readonly published: number;
  /** PUBACKs received: ingest acknowledges only after its journal append, so this is what it kept up with. */
  readonly acknowledged: number;
  readonly elapsedMs: number;
  readonly publishedPerSecond: number;
  readonly acknowledgedPerSecond: number;
}

const TICK_MS = 5;
let stopRequested: (() => void) | undefined;

async function run(command: MeterLoadStart): Promise<MeterLoadResult> {
  const site = loadSiteConfig(command.siteFile);
  const fleet = new MeterFleet({ site, seed: 42 });
  const client = await mqtt.connectAsync(command.mqttUrl, { clientId: `bench-meters-${process.pid}`, clean: true });
  let published = 0;
  let acknowledged = 0;
  let lastTs = 0;
  let queue: { topic: string; payload: string }[] = [];
  const started = performance.now();
  const tick = (): void => {
    const due = Math.floor(((performance.now() - started) / 1000) * command.messagesPerSecond);
    while (published < due) {
      if (queue.length === 0) {
        // One fleet step gives a reading per installed meter; the step's length follows the rate.
        lastTs = Math.max(Date.now(), lastTs + 1);
        queue = fleet.step(lastTs, 1000 / command.messagesPerSecond * site.meters.length).map((r) => ({ topic: deviceTopicOf(r), payload: JSON.stringify(devicePayloadOf(r)) }));
      }
      const message = queue.shift()!;
      published++;
      client.publish(message.topic, message.payload, { qos: 1 }, (error) => {
        if (!error) acknowledged++;
      });
    }
  };
  const timer = setInterval(tick, TICK_MS);
  await new Promise<void>((resolve) => (stopRequested = resolve));
  clearInterval(timer);
  const elapsedMs = performance.now() - started;
  // Let the in-flight PUBACKs arrive, so `acknowledged` says whether ingest kept up, not the cut-off.
  const drainUntil = performance.now() + 5_000;
  while (acknowledged < published && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  await client.endAsync();
  return {
    published,
    acknowledged,
    elapsedMs,
    publishedPerSecond: published / (elapsedMs / 1000),
    acknowledgedPerSecond: acknowledged / (elapsedMs / 1000),
  };
}

serveCommands(async (command) => {
  if (command.type === 'start') return run(command as unknown as MeterLoadStart);
  if (command.type === 'stop') {
    stopRequested?.();
    return null;
  }
  throw new Error(`unknown command ${String(command.type)}`);
});
