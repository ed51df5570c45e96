// A fixed-capacity ring of events in id order: the hub's bounded history. It remembers the newest id
// it has evicted, so a replay request can tell whether it reaches further back than what is kept.
import type { StreamEvent } from './stream-event.ts';

export class EventRing {
  private readonly slots: Array<StreamEvent | undefined>;
  private head = 0;
  private size = 0;

  /** @param evictedUpTo the newest id already gone before this ring started (0 when none). */
  constructor(
    private readonly capacity: number,
    private evictedUpTo = 0,
  ) {
    this.slots = new Array<StreamEvent | undefined>(capacity);
  }

  /** Ids at or below this are no longer kept: asking for events after an older id is incomplete. */
  get horizon(): number {
    return this.evictedUpTo;
  }

  get length(): number {
    return this.size;
  }

  push(event: StreamEvent): void {
    if (this.size < this.capacity) {
      this.slots[(this.head + this.size) % this.capacity] = event;
      this.size += 1;
      return;
    }
    this.evictedUpTo = this.slots[this.head]!.id;
    this.slots[this.head] = event;
    this.head = (this.head + 1) % this.capacity;
  }

  /** Events with an id above `afterId` that `accept` keeps, oldest first. */
  after(afterId: number, accept: (event: StreamEvent) => boolean): StreamEvent[] {
    const result: StreamEvent[] = [];
    for (let i = this.firstAfter(afterId); i < this.size; i += 1) {
      const event = this.at(i);
      if (accept(event)) result.push(event);
    }
    return result;
  }

  private at(index: number): StreamEvent {
    return this.slots[(this.head + index) % this.capacity]!;
  }

  // Binary search: the history can hold 10k events and a reconnect usually wants the last few.
  private firstAfter(afterId: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid).id <= afterId) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
