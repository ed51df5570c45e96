// Counters for the websocket stream, readable directly (tests, logs) and exported to Prometheus as
// api_ws_clients and api_ws_dropped_total{reason}.
import type { Counter, MetricsRegistry } from '../../core/observability/metrics.ts';
import type { DropReason } from './client-session.ts';

export class StreamStats {
  connected = 0;
  unauthorisedTotal = 0;
  private readonly dropped: Record<DropReason, number> = { slow_consumer: 0, heartbeat_timeout: 0 };
  private counter: Counter | undefined;

  get droppedTotal(): number {
    return this.dropped.slow_consumer + this.dropped.heartbeat_timeout;
  }

  droppedFor(reason: DropReason): number {
    return this.dropped[reason];
  }

  recordDrop(reason: DropReason): void {
    this.dropped[reason] += 1;
    this.counter?.inc({ reason });
  }

  /** Registers the gauge and counter; call once per registry. */
  register(registry: MetricsRegistry): void {
    registry.gauge('api_ws_clients', 'Websocket clients connected to /ws', () => this.connected);
    this.counter = registry.counter('api_ws_dropped_total', 'Websocket clients dropped by the server, by reason');
  }
}
