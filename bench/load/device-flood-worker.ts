// Device traffic as fast as the broker takes it (child process): the bench's 1,000-device mix
// (device-mix.ts), MQTT QoS 1 with a window of unacknowledged publishes, until `count` are acknowledged
// by the broker. Used both to flood a running consumer and to queue a backlog for an offline one.
import mqtt from 'mqtt';
import { serveCommands } from '../worker-process.ts';
import { deviceMessage } from './device-mix.ts';

export interface FloodCommand {
  readonly type: 'flood';
  readonly mqttUrl: string;
  readonly count: number;
  /** Message n carries timestamps from here (device-mix.ts streamStartMs). */
  readonly startMs: number;
  /** Unacknowledged publishes at most (default 1,000). */
  readonly window?: number;
}

export interface FloodResult {
  readonly published: number;
  readonly elapsedMs: number;
  readonly publishedPerSecond: number;
  /** performance.timeOrigin + now at the first publish: the parent's clock, for end-to-end rates. */
  readonly startedAtEpochMs: number;
}

async function flood(command: FloodCommand): Promise<FloodResult> {
  const client = await mqtt.connectAsync(command.mqttUrl, { clientId: `bench-flood-${process.pid}-${Date.now()}`, clean: true, protocolVersion: 4 });
  const window = command.window ?? 1_000;
  const startedAtEpochMs = performance.timeOrigin + performance.now();
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    const pump = (): void => {
      while (sent < command.count && sent - acked < window) {
        const message = deviceMessage(sent++, command.startMs);
        client.publish(message.topic, message.payload, { qos: 1 }, onAck);
      }
    };
    const onAck = (error?: Error): void => {
      if (error) return reject(error);
      if (++acked === command.count) resolve();
      else if (sent - acked < window / 2) pump();
    };
    pump();
  });
  const elapsedMs = performance.now() - started;
  await client.endAsync();
  return { published: command.count, elapsedMs, publishedPerSecond: command.count / (elapsedMs / 1000), startedAtEpochMs };
}

serveCommands(async (command) => {
  if (command.type === 'flood') return flood(command as unknown as FloodCommand);
  throw new Error(`unknown command ${String(command.type)}`);
});
