// The port through which the hub keeps durable channels (alarms) across restarts, so replay by last
// event id still works after the API restarts. Adapter: file-event-log.ts.
import type { StreamEvent } from './stream-event.ts';

export interface LoadedEventLog {
  /** The newest events kept, oldest first, ids strictly increasing. */
  readonly events: StreamEvent[];
  /** The highest id ever issued or reserved: the hub continues above it, so no id is reused. */
  readonly highestId: number;
  /** Ids at or below this were trimmed away: a replay from an older id is incomplete. */
  readonly horizon: number;
}

export interface EventLog {
  /** Records one durable event before publish returns. Synchronous: publish order is id order. */
  append(event: StreamEvent): void;
  /**
   * Records that ids up to `upTo` may be issued. Memory-only events are not logged, yet their ids must
   * not come back after a restart; reserving ids in blocks costs one write per block, not per event.
   */
  reserveIds(upTo: number): void;
  /** At most the newest `limit` events. */
  load(limit: number): LoadedEventLog;
}
