// Steady device traffic with publish → stored timing (child process): the bench's 1,000-device mix at
// a fixed rate over MQTT QoS 1, while InfluxDB is polled back to back for the newest seq of 20 marker
// meters; a marker reading counts as stored at the first poll that shows it. Same process, same clock.
import mqtt from 'mqtt';
import { serveCommands } from '../worker-process.ts';
import { deviceMessage, METERS, meterId } from './device-mix.ts';

export interface SteadyCommand {
  readonly type: 'steady';
  readonly mqttUrl: string;
  /** influxd's own url (1.x /query). */
  readonly influxUrl: string;
  readonly database: string;
  readonly messagesPerSecond: number;
  /** Continue the stream from message `fromMessage` (several runs share one database). */
  readonly fromMessage: number;
  readonly startMs: number;
  /** Publish this long, then stop; 0 = until a "stop" command. */
  readonly durationMs: number;
  /** Wait at most this long after the last publish for the last markers to be stored. */
  readonly settleMs?: number;
}

export interface SteadyResult {
  readonly published: number;
  readonly publishedPerSecond: number;
  readonly latenciesMs: number[];
  /** Markers published but never seen stored before the settle deadline. */
  readonly unseen: number;
  readonly polls: number;
}

const MARKERS = 20;
const TICK_MS = 5;
const POLL_GAP_MS = 5;
let stopRequested: (() => void) | undefined;

/** seq of message n when it goes to a marker meter (the meter's round), else undefined. */
function markerOf(n: number): { meter: number; seq: number } | undefined {
  if (n % 5 === 4) return undefined;
  const k = Math.floor(n / 5) * 4 + (n % 5);
  const meter = k % METERS;
  return meter < MARKERS ? { meter, seq: Math.floor(k / METERS) } : undefined;
}

async function newestSeqs(command: SteadyCommand): Promise<Map<string, number>> {
  const q = `SELECT last("seq") FROM "meter_reading" WHERE "meter" =~ /^m-00[01][0-9]$/ GROUP BY "meter"`;
  const url = `${command.influxUrl}/query?${new URLSearchParams({ q, db: command.database }).toString()}`;
  const body = (await (await fetch(url)).json()) as { results?: { series?: { tags?: { meter?: string }; values?: unknown[][] }[] }[] };
  const seqs = new Map<string, number>();
  for (const series of body.results?.[0]?.series ?? []) seqs.set(series.tags?.meter ?? '', Number(series.values?.[0]?.[1] ?? -1));
  return seqs;
}

async function steady(command: SteadyCommand): Promise<SteadyResult> {
  const client = await mqtt.connectAsync(command.mqttUrl, { clientId: `bench-steady-${process.pid}-${Date.now()}`, clean: true, protocolVersion: 4 });
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const pending = new Map<string, number[]>(Array.from({ length: MARKERS }, (_, i) => [meterId(i), []]));
  const publishedAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  let published = 0;
  let publishing = true;
  const started = performance.now();
  const tick = (): void => {
    const due = Math.floor(((performance.now() - started) / 1000) * command.messagesPerSecond);
    while (published < due) {
      const n = command.fromMessage + published++;
      const message = deviceMessage(n, command.startMs);
      const marker = markerOf(n);
      if (marker) {
        pending.get(meterId(marker.meter))!.push(marker.seq);
        publishedAt.set(`${marker.meter}/${marker.seq}`, performance.now());
      }
      client.publish(message.topic, message.payload, { qos: 1 });
    }
  };
  const timer = setInterval(tick, TICK_MS);
  const stopped = new Promise<void>((resolve) => {
    stopRequested = resolve;
    if (command.durationMs > 0) setTimeout(resolve, command.durationMs);
  });
  void stopped.then(() => {
    clearInterval(timer);
    publishing = false;
  });
  let polls = 0;
  const settleUntil = (): number => (publishing ? Number.POSITIVE_INFINITY : stoppedAt + (command.settleMs ?? 5_000));
  let stoppedAt = 0;
  void stopped.then(() => (stoppedAt = performance.now()));
  for (;;) {
    const seqs = await newestSeqs(command).catch(() => new Map<string, number>());
    const seenAt = performance.now();
    polls++;
    for (const [meter, queue] of pending) {
      const newest = seqs.get(meter) ?? -1;
      while (queue.length && queue[0]! <= newest) {
        const seq = queue.shift()!;
        const key = `${Number(meter.slice(2))}/${seq}`;
        latenciesMs.push(seenAt - publishedAt.get(key)!);
        publishedAt.delete(key);
      }
    }
    const unseen = [...pending.values()].reduce((n, q) => n + q.length, 0);
    if (!publishing && (unseen === 0 || performance.now() > settleUntil())) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_GAP_MS));
  }
  const elapsedMs = (stoppedAt || performance.now()) - started;
  await client.endAsync();
  return { published, publishedPerSecond: published / (elapsedMs / 1000), latenciesMs, unseen: publishedAt.size, polls };
}

serveCommands(async (command) => {
  if (command.type === 'steady') return steady(command as unknown as SteadyCommand);
  if (command.type === 'stop') {
    stopRequested?.();
    return null;
  }
  throw new Error(`unknown command ${String(command.type)}`);
});
