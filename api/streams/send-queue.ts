// A client's outgoing queue: publishers only enqueue; frames go to the socket on a later tick, and
// only while the socket's own buffer is under its bound, so a slow reader backs up here, not in the hub.
import { eventFrame, type StreamEvent } from './stream-event.ts';

/** What the queue needs of a ws WebSocket. */
export interface FrameSink {
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }, callback?: (error?: Error) => void): void;
}

export interface SendQueueOptions {
  readonly sink: FrameSink;
  /** Live messages waiting beyond this are a slow consumer. */
  readonly maxQueuedMessages: number;
  /** Bytes the socket may hold unsent before the queue stops handing it more. */
  readonly maxBufferedBytes: number;
  readonly onOverflow: (state: { queued: number; bufferedBytes: number }) => void;
}

// A replay is the hub's history by reference: it does not count against the live bound, since the
// client asked for it and it costs no memory beyond what the hub keeps anyway.
interface Replay {
  readonly events: readonly StreamEvent[];
  next: number;
}

type Item = Buffer | Replay;

export class SendQueue {
  private items: Item[] = [];
  private head = 0;
  private live = 0;
  private flushHandle: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(private readonly options: SendQueueOptions) {}

  /** Live messages waiting (replays excluded). */
  get queued(): number {
    return this.live;
  }

  push(frame: Buffer): void {
    if (this.closed) return;
    if (this.live >= this.options.maxQueuedMessages) {
      this.options.onOverflow({ queued: this.live, bufferedBytes: this.options.sink.bufferedAmount });
      return;
    }
    this.items.push(frame);
    this.live += 1;
    this.schedule();
  }

  pushReplay(events: readonly StreamEvent[]): void {
    if (this.closed || events.length === 0) return;
    this.items.push({ events, next: 0 });
    this.schedule();
  }

  /** Forgets everything queued and stops; nothing more is sent. */
  close(): void {
    this.closed = true;
    if (this.flushHandle) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    this.items = [];
    this.head = 0;
    this.live = 0;
  }

  private schedule(): void {
    if (this.flushHandle === undefined && !this.closed) this.flushHandle = setImmediate(this.flush);
  }

  // Every frame sent while more wait carries onWritten: when the last of them reaches the kernel the
  // socket's buffer is empty again and the queue resumes. ws has no public 'drain'.
  private readonly onWritten = (): void => {
    if (this.head < this.items.length) this.schedule();
  };

  private readonly flush = (): void => {
    this.flushHandle = undefined;
    const { sink, maxBufferedBytes } = this.options;
    while (!this.closed && this.head < this.items.length && sink.bufferedAmount < maxBufferedBytes) {
      const frame = this.take();
      sink.send(frame, { binary: false }, this.head < this.items.length ? this.onWritten : undefined);
    }
    if (this.head === this.items.length && this.head > 0) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  };

  private take(): Buffer {
    const item = this.items[this.head]!;
    if (Buffer.isBuffer(item)) {
      this.head += 1;
      this.live -= 1;
      return item;
    }
    const frame = eventFrame(item.events[item.next]!);
    item.next += 1;
    if (item.next === item.events.length) this.head += 1;
    return frame;
  }
}
