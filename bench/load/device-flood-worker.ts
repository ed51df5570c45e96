// Device traffic as fast as the broker takes it (child process): the bench's 1,000-device mix
// (device-mix.ts), MQTT QoS 1 with a window of unacknowledged publishes, until `count` are acknowledged
// by the broker. Used both to flood a running consumer and to queue a backlog for an offline one.
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { serveCommands } from '../worker-process.ts';
import { publishFrames, pubackCounter, type PublishFrames } from './publish-frames.ts';

export interface FloodCommand {
  readonly type: 'flood';
  readonly mqttUrl: string;
  readonly count: number;
  /** Message n carries timestamps from here (device-mix.ts streamStartMs). */
  readonly startMs: number;
  /** Unacknowledged publishes at most (default 1,000). */
  readonly window?: number;
}

/** Builds a flood's frames ahead of it, so that the parent can start measuring once they are ready. */
export interface PrepareFloodCommand {
  readonly type: 'prepare';
  readonly count: number;
  readonly startMs: number;
}

export interface FloodResult {
  readonly published: number;
  readonly elapsedMs: number;
  readonly publishedPerSecond: number;
  /** performance.timeOrigin + now at the first publish: the parent's clock, for end-to-end rates. */
  readonly startedAtEpochMs: number;
}

/**
 * A lean MQTT 3.1.1 publisher on a raw socket: the load generator must not be what limits a flood,
 * and on a 2-core machine it shares the CPU with the system it measures. Every frame is built before
 * the clock starts (publish-frames.ts), so while it floods it only writes slices of one buffer and counts
 * PUBACKs. Through mqtt.js the flood ran at ≈ 49,000 msg/s, as fast as the naive consumer took them;
 * building each frame as it went (mqtt-packet) cost it CPU the consumers then lacked.
 */
async function flood(command: FloodCommand): Promise<FloodResult> {
  const frames = framesFor(command);
  const socket = await connectRaw(command.mqttUrl, `bench-flood-${process.pid}-${Date.now()}`);
  const window = command.window ?? 1_000;
  const startedAtEpochMs = performance.timeOrigin + performance.now();
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      const acks = pubackCounter();
      const pump = (): void => {
        const upTo = Math.min(command.count, acks.count + window);
        if (upTo > sent) socket.write(frames.slice(sent, upTo));
        sent = upTo;
      };
      socket.on('data', (chunk: Buffer) => {
        try {
          acks.add(chunk);
        } catch (error) {
          return reject(error as Error);
        }
        if (acks.count === command.count) resolve();
        else if (sent - acks.count < window / 2) pump();
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new Error(`broker closed the connection after ${acks.count} of ${command.count} acknowledgements`)));
      pump();
    });
  } finally {
    socket.removeAllListeners('close');
    socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  }
  const elapsedMs = performance.now() - started;
  return { published: command.count, elapsedMs, publishedPerSecond: command.count / (elapsedMs / 1000), startedAtEpochMs };
}

let prepared: { readonly key: string; readonly frames: PublishFrames } | undefined;

/** The prepared frames when they are this stream's, else built now; either way before the clock starts. */
function framesFor(stream: { readonly count: number; readonly startMs: number }): PublishFrames {
  const key = `${stream.count}@${stream.startMs}`;
  if (prepared?.key !== key) prepared = { key, frames: publishFrames(stream.count, stream.startMs) };
  return prepared.frames;
}

/** TCP connection with CONNECT (clean session) answered by an accepting CONNACK. */
async function connectRaw(mqttUrl: string, clientId: string): Promise<Socket> {
  const url = new URL(mqttUrl);
  const socket = createConnection({ host: url.hostname, port: Number(url.port || 1883), noDelay: true });
  await once(socket, 'connect');
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 0 }));
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const onData = (chunk: Buffer) => parser.parse(chunk);
  socket.on('data', onData);
  const [connack] = (await once(parser, 'packet')) as [mqttPacket.Packet];
  socket.off('data', onData);
  if (connack.cmd !== 'connack' || connack.returnCode !== 0) {
    socket.destroy();
    throw new Error(`broker refused the flood publisher: ${JSON.stringify(connack)}`);
  }
  return socket;
}

serveCommands(async (command) => {
  if (command.type === 'prepare') return void framesFor(command as unknown as PrepareFloodCommand);
  if (command.type === 'flood') return flood(command as unknown as FloodCommand);
  throw new Error(`unknown command ${String(command.type)}`);
});
