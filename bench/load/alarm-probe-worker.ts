// Latency probe (child process): publishes scripted particle excursions and water markers like a device
// and listens on the API's websocket, so publish and receive times come from one clock (this process).
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { counterTopic, meterTopic } from '../../core/domain/messages/topics.ts';
import { serveCommands } from '../worker-process.ts';

export interface ProbeConnect {
  readonly type: 'connect';
  readonly mqttUrl: string;
  readonly wsUrl: string;
  /** A viewer API key for the websocket. */
  readonly apiKey: string;
  readonly roomId: string;
  readonly counterIds: readonly string[];
  /** The meter water markers are published on. */
  readonly markerMeterId: string;
}

export interface ProbeMeasure {
  readonly type: 'measure';
  /** Stop once this many alarm transitions were timed. */
  readonly transitions: number;
  /** Pause between one counter's samples. */
  readonly gapMs: number;
  /** A water marker this often while measuring; 0 for none. */
  readonly markerEveryMs: number;
}

export interface ProbeMeasurement {
  raiseMs: number[];
  clearMs: number[];
  /** Transitions that did not arrive within 10 s. */
  timeouts: number;
  waterMs: number[];
  /** Markers overtaken by a newer one before any update showed them. */
  waterSuperseded: number;
  elapsedMs: number;
}

/** Counts at 0.5 µm in 28.3 L (ISO 8 limit 3,520,000/m³): clean ≈ 10 %, action ≈ 110 % of it. */
const VOLUME_L = 28.3;
const CLEAN = 10_000;
const ACTION = 110_000;
const CLEAR_AFTER_SAMPLES = 3;
const TRANSITION_TIMEOUT_MS = 10_000;
/** Markers carry a time a minute ahead, so each is its meter's newest reading whatever the load sends. */
const MARKER_AHEAD_MS = 60_000;

let client: MqttClient | undefined;
let socket: WebSocket | undefined;
let setup: ProbeConnect | undefined;
const waiting = new Map<string, { publishedAt: number; resolve: (latencyMs: number | undefined) => void }>();
const markers = new Map<number, number>();
let waterMs: number[] = [];
let waterSuperseded = 0;
const lastTs = new Map<string, number>();
let onSubscribed: (() => void) | undefined;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nextTs = (device: string, aheadMs = 0): number => {
  const ts = Math.max(Date.now() + aheadMs, (lastTs.get(device) ?? 0) + 1);
  lastTs.set(device, ts);
  return ts;
};

async function connect(command: ProbeConnect): Promise<null> {
  setup = command;
  client = await mqtt.connectAsync(command.mqttUrl, { clientId: `bench-probe-${process.pid}`, clean: true });
  const ws = new WebSocket(command.wsUrl, { headers: { authorization: `Bearer ${command.apiKey}` } });
  socket = ws;
  ws.on('message', (raw: Buffer) => onFrame(raw.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // A refused key closes the socket (4401) instead of answering: fail, never wait for ever.
  const subscribed = new Promise<void>((resolve, reject) => {
    onSubscribed = resolve;
    ws.once('close', (code: number) => reject(new Error(`the websocket closed with ${code} before subscribing`)));
    setTimeout(() => reject(new Error('no "subscribed" answer within 10 s')), 10_000).unref();
  });
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['alarms', 'water'] }));
  await subscribed;
  return null;
}

interface TransitionData {
  kind?: string;
  key?: string;
  conditionAtMs?: number | null;
}

function onFrame(text: string): void {
  const receivedAt = performance.now();
  const message = JSON.parse(text) as { type?: string; event?: { channel?: string; type?: string; data?: unknown } };
  if (message.type === 'subscribed') onSubscribed?.();
  if (message.type !== 'event' || !message.event) return;
  const { channel, data } = message.event;
  if (channel === 'alarms') {
    const transition = data as TransitionData;
    if (transition.kind !== 'excursion' || typeof transition.conditionAtMs !== 'number' || !transition.key) return;
    const id = `${transition.key.split('/')[1]}|${transition.conditionAtMs}`;
    const waiter = waiting.get(id);
    if (!waiter) return;
    waiting.delete(id);
    waiter.resolve(receivedAt - waiter.publishedAt);
  } else if (channel === 'water' && message.event.type === 'kpis') {
    const flow = (data as { flowsM3PerHour?: Record<string, number> }).flowsM3PerHour?.[setup!.markerMeterId];
    const publishedAt = flow === undefined ? undefined : markers.get(flow);
    if (publishedAt === undefined) return;
    waterMs.push(receivedAt - publishedAt);
    // Older markers can no longer be shown: the newest reading wins.
    for (const [markerFlow, at] of markers) {
      if (at <= publishedAt) markers.delete(markerFlow);
      if (at < publishedAt) waterSuperseded++;
    }
  }
}

/** Publishes one sample; resolves with the publish → websocket latency of the transition it causes. */
function publishSample(counterId: string, count: number, expectTransition: boolean): Promise<number | undefined> {
  const ts = nextTs(counterId);
  const payload = JSON.stringify({ ts, volume_l: VOLUME_L, counts: { '0.5': count } });
  const publishedAt = performance.now();
  const result = expectTransition
    ? new Promise<number | undefined>((resolve) => {
        const id = `${counterId}|${ts}`;
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(undefined);
        }, TRANSITION_TIMEOUT_MS);
        waiting.set(id, { publishedAt, resolve: (latency) => (clearTimeout(timer), resolve(latency)) });
      })
    : Promise.resolve(undefined);
  client!.publish(counterTopic(setup!.roomId, counterId), payload, { qos: 1 });
  return result;
}

/** One counter's excursions, back to back: an action sample raises, the third clean sample clears. */
async function excursions(counterId: string, command: ProbeMeasure, out: ProbeMeasurement, done: () => boolean): Promise<void> {
  while (!done()) {
    const raise = await publishSample(counterId, ACTION, true);
    if (raise === undefined) out.timeouts++;
    else out.raiseMs.push(raise);
    for (let i = 1; i <= CLEAR_AFTER_SAMPLES; i++) {
      await sleep(command.gapMs);
      const clear = await publishSample(counterId, CLEAN, i === CLEAR_AFTER_SAMPLES);
      if (i < CLEAR_AFTER_SAMPLES) continue;
      if (clear === undefined) out.timeouts++;
      else out.clearMs.push(clear);
    }
    await sleep(command.gapMs);
  }
}

async function waterMarkers(everyMs: number, done: () => boolean): Promise<void> {
  const meterId = setup!.markerMeterId;
  for (let k = 1; !done(); k++) {
    const flow = 300 + k / 1000;
    markers.set(flow, performance.now());
    client!.publish(meterTopic(meterId), JSON.stringify({ ts: nextTs(meterId, MARKER_AHEAD_MS), flow_m3h: flow, quality: 'good' }), { qos: 1 });
    await sleep(everyMs);
  }
}

async function measure(command: ProbeMeasure): Promise<ProbeMeasurement> {
  const out: ProbeMeasurement = { raiseMs: [], clearMs: [], timeouts: 0, waterMs: [], waterSuperseded: 0, elapsedMs: 0 };
  waterMs = [];
  waterSuperseded = 0;
  markers.clear();
  const started = performance.now();
  const done = (): boolean => out.raiseMs.length + out.clearMs.length + out.timeouts >= command.transitions;
  const loops = setup!.counterIds.map((id) => excursions(id, command, out, done));
  if (command.markerEveryMs > 0) loops.push(waterMarkers(command.markerEveryMs, done));
  await Promise.all(loops);
  return { ...out, waterMs, waterSuperseded, elapsedMs: performance.now() - started };
}

/** The broker's own floor: publish to a topic this client subscribes to, QoS 1, one at a time. */
async function brokerRoundTrip(count: number, gapMs: number): Promise<number[]> {
  const topic = `bench/rtt/${process.pid}`;
  await client!.subscribeAsync(topic, { qos: 1 });
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const publishedAt = performance.now();
    const arrived = new Promise<void>((resolve) => client!.once('message', () => resolve()));
    client!.publish(topic, String(i), { qos: 1 });
    await arrived;
    latencies.push(performance.now() - publishedAt);
    await sleep(gapMs);
  }
  await client!.unsubscribeAsync(topic);
  return latencies;
}

serveCommands(async (command) => {
  switch (command.type) {
    case 'connect':
      return connect(command as unknown as ProbeConnect);
    case 'measure':
      return measure(command as unknown as ProbeMeasure);
    case 'broker-rtt':
      return brokerRoundTrip(Number(command.count), Number(command.gapMs));
    case 'close':
      socket?.close();
      await client?.endAsync();
      return null;
    default:
      throw new Error(`unknown command ${String(command.type)}`);
  }
});
