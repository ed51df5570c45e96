// The baseline the ingest bench compares against: the smallest consumer that still gets readings
// from Mosquitto into InfluxDB. QoS 1 on a persistent session, no validation, no site lookup: topic
// and JSON payload straight to line protocol, batches of 5,000 or every 100 ms, one write at a time.
// With a journal file it acknowledges each message only after appending it there (mqtt.js
// handleMessage), as ingest does. Run as its own process:
//   node --import tsx bench/naive/naive-consumer.ts '<NaiveConsumerOptions as JSON>'
// It prints "ready" on stdout once subscribed, and exits cleanly on SIGTERM.
import fs from 'node:fs';
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';

export interface NaiveConsumerOptions {
  readonly mqttUrl: string;
  readonly clientId: string;
  /** Base url taking POST /api/v2/write (the harness's write proxy in front of influxd 1.6). */
  readonly influxUrl: string;
  readonly bucket: string;
  /** Append every message here before acknowledging it. */
  readonly journalFile?: string;
  readonly batchMax?: number;
  readonly flushMs?: number;
}

const FILTERS = ['k14/meter/+', 'cleanroom/+/pms/+'];

/** The same measurements, tags and field names as the InfluxDB store adapter, so the bench counts both alike. */
function toLine(topic: string, payload: Buffer): string {
  const body = JSON.parse(payload.toString()) as Record<string, unknown>;
  const levels = topic.split('/');
  const ts = body.ts as number;
  if (levels[0] === 'k14') {
    const total = body.totalizer_m3 === undefined ? '' : `,totalizer_m3=${String(body.totalizer_m3)}`;
    return `meter_reading,meter=${levels[2]} flow_m3h=${String(body.flow_m3h)}${total},quality="${String(body.quality)}",seq=${String(body.seq)}i ${ts}`;
  }
  const counts = Object.entries(body.counts as Record<string, number>).map(([channel, n]) => `,count_${channel.replace('.', '_')}=${n}i`).join('');
  return `particle_sample,counter=${levels[3]},room=${levels[1]} volume_l=${String(body.volume_l)}${counts},seq=${String(body.seq)}i ${ts}`;
}

export function startNaiveConsumer(options: NaiveConsumerOptions): { ready: Promise<void>; stop(): Promise<void> } {
  const batchMax = options.batchMax ?? 5_000;
  const flushMs = options.flushMs ?? 100;
  const agent = new Agent({ keepAlive: true });
  const writeUrl = new URL(`/api/v2/write?bucket=${encodeURIComponent(options.bucket)}&precision=ms`, options.influxUrl);
  let lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const post = (body: string): Promise<void> =>
    new Promise((resolve) => {
      const req = request(writeUrl, { method: 'POST', agent, headers: { 'content-type': 'text/plain' } }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode !== 204) process.stderr.write(`naive consumer: write answered ${res.statusCode}\n`);
          resolve();
        });
      });
      req.once('error', (error) => {
        process.stderr.write(`naive consumer: write failed: ${error.message}\n`);
        resolve();
      });
      req.end(body);
    });
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const body = lines.join('\n');
    lines = [];
    writing = writing.then(() => post(body));
  };
  const add = (topic: string, payload: Buffer): void => {
    lines.push(toLine(topic, payload));
    if (lines.length >= batchMax) flush();
    else timer ??= setTimeout(flush, flushMs);
  };

  const client = mqtt.connect(options.mqttUrl, { clientId: options.clientId, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3_600 }, resubscribe: false });
  if (options.journalFile) {
    const fd = fs.openSync(options.journalFile, 'a');
    client.handleMessage = (packet, callback) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      fs.writeSync(fd, `${packet.topic}\t${payload.toString()}\n`);
      add(packet.topic, payload);
      callback?.();
    };
  } else {
    client.on('message', (topic, payload) => add(topic, payload));
  }
  const ready = new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.on('connect', (connack) => {
      if (connack.sessionPresent) return resolve();
      client.subscribe(FILTERS, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
    });
  });
  return {
    ready,
    async stop() {
      await client.endAsync();
      flush();
      await writing;
      agent.destroy();
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const consumer = startNaiveConsumer(JSON.parse(process.argv[2] ?? '{}') as NaiveConsumerOptions);
  consumer.ready.then(() => process.stdout.write('ready\n'), (error: unknown) => {
    process.stderr.write(`naive consumer: ${String(error)}\n`);
    process.exit(1);
  });
  process.once('SIGTERM', () => void consumer.stop().finally(() => process.exit(0)));
}
