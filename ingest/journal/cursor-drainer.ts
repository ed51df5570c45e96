// Drains one journal cursor into a sink, in order, in batches: waits for appends (plus a flush delay
// that lets a batch fill), hands a batch to the sink, commits only when the sink resolved, and
// retries from the first uncommitted batch with backoff when it threw. Serves the store writer and
// the live publisher. With a backlog of whole batches, up to maxInFlight of them are handed on
// before the first resolves: one write at a time left the store idle while the event loop was busy
// taking in a broker backlog (one batch per turn of the loop, each turn long), and InfluxDB takes
// concurrent writes. Commits stay in order, so a crash redelivers at most the batches in flight.
import type { Logger } from 'pino';
import type { CursorBatch } from './journal-cursor.ts';
import type { JournalRecord } from './journal-record.ts';
import type { Journal } from './journal.ts';

export interface DrainerOptions {
  readonly journal: Journal;
  readonly cursorName: string;
  readonly sink: (records: JournalRecord[]) => Promise<void>;
  readonly batchMax: number;
  /** How long to let a batch fill after the first unread append; 0 hands records on at once. */
  readonly flushMs: number;
  /** Batches handed to the sink before the first resolves, while whole batches wait (default 1). */
  readonly maxInFlight?: number;
  readonly logger: Logger;
  readonly onFailure?: (error: unknown) => void;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/** No journal line is shorter: fewer bytes than batchMax × this cannot hold a whole batch. */
const MIN_RECORD_BYTES = 64;

interface InFlight {
  readonly batch: CursorBatch;
  /** Settles with the sink's failure, or undefined when it resolved. */
  readonly outcome: Promise<{ error: unknown } | undefined>;
}

export class CursorDrainer {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private oldestUnhandedAt: number | undefined;
  /** When the oldest append not yet read came in: the flush delay runs from there. */
  private unreadSince: number | undefined;

  constructor(private readonly options: DrainerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.journal.onAppend(() => {
      this.unreadSince ??= Date.now();
      this.wake?.();
    });
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
    const { journal, cursorName } = this.options;
    const cursor = journal.cursor(cursorName);
    const inFlight: InFlight[] = [];
    let retryMs = this.options.retryMinMs ?? 100;
    // After a failure one batch probes the sink: a store that is down gets no burst of writes, and
    // the retried batches are not all read back into memory at once while it stays down.
    let probing = false;
    while (this.running) {
      if (inFlight.length === 0 && !cursor.hasUnread()) {
        await this.pause(undefined);
        continue;
      }
      await this.handOn(inFlight, probing ? 1 : (this.options.maxInFlight ?? 1));
      const head = inFlight.shift();
      if (!head) continue;
      const failure = await head.outcome;
      if (!failure) {
        cursor.commit(head.batch.endPosition);
        probing = false;
        this.oldestUnhandedAt = inFlight[0] ? firstReceiveTime(inFlight[0].batch.records) : undefined;
        retryMs = this.options.retryMinMs ?? 100;
        // A synchronous sink (SQLite) resolves at once: without a turn of the event loop between
        // batches, draining a backlog would starve the MQTT socket and stall acknowledgements.
        await yieldToEventLoop();
        continue;
      }
      // Later batches may have gone through; they go again from the first uncommitted one.
      await Promise.all(inFlight.splice(0).map((later) => later.outcome));
      cursor.rewind();
      probing = true;
      this.options.onFailure?.(failure.error);
      this.options.logger.warn({ err: failure.error, cursor: cursorName, retryMs }, 'sink failed; the batch will be retried');
      await this.pause(retryMs);
      retryMs = Math.min(retryMs * 2, this.options.retryMaxMs ?? 5000);
    }
    // Stopping: what went through is committed, in order, up to the first failure.
    for (const { batch, outcome } of inFlight) {
      if (await outcome) break;
      cursor.commit(batch.endPosition);
    }
  }

  /** Reads batches and hands them to the sink: the first after its flush delay, more only while whole batches wait. */
  private async handOn(inFlight: InFlight[], maxInFlight: number): Promise<void> {
    const { batchMax, flushMs } = this.options;
    const cursor = this.options.journal.cursor(this.options.cursorName);
    const batchBytes = batchMax * MIN_RECORD_BYTES;
    if (inFlight.length === 0 && flushMs > 0 && cursor.lagBytes < batchBytes) {
      // From the first unread append, not from now: what came in while the last batch was being
      // written has waited that long already (a reading otherwise waited a write + flushMs + a write).
      const waitMs = flushMs - (Date.now() - (this.unreadSince ?? Date.now()));
      if (waitMs > 0) await this.pause(waitMs);
    }
    const mayHandOn = () => this.running && cursor.hasUnread() && (inFlight.length === 0 || (inFlight.length < maxInFlight && cursor.unreadBytes >= batchBytes));
    while (mayHandOn()) {
      // A synchronous sink (SQLite) writes as it is handed a batch: one batch per turn of the event loop.
      if (inFlight.length > 0) {
        await yieldToEventLoop();
        if (!mayHandOn()) break;
      }
      const batch = cursor.read(batchMax);
      if (!cursor.hasUnread()) this.unreadSince = undefined;
      if (batch.corruptLines) this.options.logger.error({ cursor: this.options.cursorName, lines: batch.corruptLines }, 'skipped corrupt journal lines');
      this.oldestUnhandedAt ??= firstReceiveTime(batch.records);
      const outcome = batch.records.length ? settle(this.options.sink, batch.records) : Promise.resolve(undefined);
      inFlight.push({ batch, outcome });
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

/** The sink's failure as a value (also one it throws before returning a promise), undefined when it took the batch. */
async function settle(sink: DrainerOptions['sink'], records: JournalRecord[]): Promise<{ error: unknown } | undefined> {
  try {
    await sink(records);
    return undefined;
  } catch (error) {
    return { error };
  }
}

function firstReceiveTime(records: readonly JournalRecord[]): number | undefined {
  const first = records[0];
  if (!first) return undefined;
  return first.t === 'r' ? first.at : first.d.receivedAtMs;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
