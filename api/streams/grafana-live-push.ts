// Pushes alarm transitions to Grafana Live (`POST /api/live/push/{stream}`, InfluxDB line protocol,
// a service-account token) so dashboards update without polling. Best effort beside the durable
// alarm_transition measurement: a bounded queue, one request at a time, never blocking the engine.
import type { Logger } from 'pino';
import { keyTransitions } from '../../core/adapters/alarm-records.ts';
import { transitionLine } from '../../core/adapters/influx-alarms/alarm-lines.ts';
import { nsFromMs } from '../../core/adapters/influx/line-protocol.ts';
import type { AlarmChange } from '../cleanroom/alarm-manager.ts';

export interface GrafanaLivePushOptions {
  readonly url: string;
  readonly token: string;
  /** Grafana Live stream id: the channel becomes stream/{stream}/alarm_transition. */
  readonly stream?: string;
  readonly logger: Logger;
  readonly maxQueuedLines?: number;
  readonly retryMs?: number;
  readonly fetchImpl?: typeof fetch;
}

export class GrafanaLivePush {
  private readonly queue: string[] = [];
  private sending: Promise<void> | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: GrafanaLivePushOptions) {}

  push(change: AlarmChange): void {
    if (this.stopped) return;
    for (const keyed of keyTransitions(change)) {
      this.queue.push(transitionLine(keyed, nsFromMs(keyed.transition.atMs, 'transition time')));
    }
    const max = this.options.maxQueuedLines ?? 1000;
    if (this.queue.length > max) {
      const dropped = this.queue.splice(0, this.queue.length - max);
      this.options.logger.warn({ dropped: dropped.length }, 'grafana live push queue full: oldest transitions dropped (they stay in the store)');
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.sending;
  }

  private kick(): void {
    if (this.sending || this.retryTimer || this.queue.length === 0 || this.stopped) return;
    this.sending = this.sendBatch().finally(() => {
      this.sending = undefined;
      this.kick();
    });
  }

  private async sendBatch(): Promise<void> {
    const lines = this.queue.slice(0, 100);
    const { url, token, stream = 'k14_alarms', fetchImpl = fetch } = this.options;
    try {
      const response = await fetchImpl(`${url.replace(/\/$/, '')}/api/live/push/${encodeURIComponent(stream)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: lines.join('\n'),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`Grafana answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      this.queue.splice(0, lines.length);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'grafana live push failed; retrying');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, this.options.retryMs ?? 2_000);
    }
  }
}
