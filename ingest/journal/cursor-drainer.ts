// Drains one journal cursor into a sink, in order, in batches: waits for appends (plus a flush delay
// that lets a batch fill), hands a batch to the sink, commits only when the sink resolved, and
// retries the same batch with backoff when it threw. Serves the store writer and the live publisher.
import type { Logger } from 'pino';
import type { JournalRecord } from './journal-record.ts';
import type { Journal } from './journal.ts';

export interface DrainerOptions {
  readonly journal: Journal;
  readonly cursorName: string;
  readonly sink: (records: JournalRecord[]) => Promise<void>;
  readonly batchMax: number;
  /** How long to let a batch fill after the first unread append; 0 hands records on at once. */
  readonly flushMs: number;
  readonly logger: Logger;
  readonly onFailure?: (error: unknown) => void;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

export class CursorDrainer {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private oldestUnhandedAt: number | undefined;

  constructor(private readonly options: DrainerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.journal.onAppend(() => this.wake?.());
    this.loop = this.run();
  }

  /** Stops after the batch in hand; with a drain deadline, first keeps going until caught up or out of time. */
  async stop(drainTimeoutMs = 0): Promise<void> {
    const deadline = Date.now() + drainTimeoutMs;
    while (this.running && this.lagBytes > 0 && Date.now() < deadline) await sleep(20);
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  get lagBytes(): number {
    return this.options.journal.cursor(this.options.cursorName).lagBytes;
  }

  /** Receive time of the oldest record not yet accepted by the sink (ms epoch), if any. */
  get oldestPendingReceivedAt(): number | undefined {
    return this.lagBytes > 0 ? this.oldestUnhandedAt : undefined;
  }

  private async run(): Promise<void> {
    const { journal, cursorName, batchMax, flushMs } = this.options;
    const cursor = journal.cursor(cursorName);
    let retryMs = this.options.retryMinMs ?? 100;
    while (this.running) {
      if (!cursor.hasUnread()) {
        await this.pause(undefined);
        continue;
      }
      if (flushMs > 0 && cursor.lagBytes < batchMax * 64) await this.pause(flushMs);
      const batch = cursor.read(batchMax);
      if (batch.corruptLines) this.options.logger.error({ cursor: cursorName, lines: batch.corruptLines }, 'skipped corrupt journal lines');
      this.oldestUnhandedAt ??= firstReceiveTime(batch.records);
      try {
        if (batch.records.length) await this.options.sink(batch.records);
        cursor.commit(batch.endPosition);
        this.oldestUnhandedAt = undefined;
        retryMs = this.options.retryMinMs ?? 100;
        // A synchronous sink (SQLite) resolves at once: without a turn of the event loop between
        // batches, draining a backlog would starve the MQTT socket and stall acknowledgements.
        await yieldToEventLoop();
      } catch (error) {
        cursor.rewind();
        this.options.onFailure?.(error);
        this.options.logger.warn({ err: error, cursor: cursorName, retryMs }, 'sink failed; the batch will be retried');
        await this.pause(retryMs);
        retryMs = Math.min(retryMs * 2, this.options.retryMaxMs ?? 5000);
      }
    }
  }

  /** Waits for the next append (ms undefined) or for ms; stop() ends either wait. */
  private pause(ms: number | undefined): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.timer);
        this.wake = undefined;
        resolve();
      };
      // An append ends an idle wait; a timed wait (flush delay, retry backoff) only ends early on stop.
      this.wake = ms === undefined ? done : () => !this.running && done();
      if (ms !== undefined) this.timer = setTimeout(done, ms);
    });
  }
}

function firstReceiveTime(records: readonly JournalRecord[]): number | undefined {
  const first = records[0];
  if (!first) return undefined;
  return first.t === 'r' ? first.at : first.d.receivedAtMs;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
