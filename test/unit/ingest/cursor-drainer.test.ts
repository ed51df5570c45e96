// The cursor drainer on a real journal in a temp directory, with a sink the test resolves by hand:
// batches handed on ahead under a backlog, commits in journal order, retries from the first
// uncommitted batch.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CursorDrainer } from '../../../ingest/journal/cursor-drainer.ts';
import type { JournalRecord } from '../../../ingest/journal/journal-record.ts';
import { Journal } from '../../../ingest/journal/journal.ts';
import { aMeterReading } from '../../fixtures/readings.ts';
import { pollUntil } from '../../harness/poll-until.ts';

const record = (seq: number): JournalRecord => ({ t: 'r', at: 1_700_000_000_000 + seq, r: aMeterReading({ seq, tsMs: 1_700_000_000_000 + seq }) });
const seqs = (records: readonly JournalRecord[]) => records.map((r) => (r.t === 'r' ? r.r.seq : -1));

const waitFor = (condition: () => boolean) => pollUntil(() => (condition() ? true : undefined), { description: 'the drainer', timeoutMs: 5_000, intervalMs: 2 });
/** Long enough for the drainer to act if it wrongly would: absence cannot be polled for. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

interface HeldCall {
  readonly seqs: (number | undefined)[];
  resolve(): void;
  reject(error: Error): void;
}
/** Every held call of the current test, released before the drainer stops (a failing test must not hang there). */
let held: HeldCall[] = [];

/** A sink whose calls wait until the test settles them. */
function heldSink() {
  const calls: HeldCall[] = [];
  held = calls;
  const sink = (records: JournalRecord[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ seqs: seqs(records), resolve, reject });
    });
  return { calls, sink };
}

describe('CursorDrainer', () => {
  let dir: string;
  let journal: Journal;
  let drainer: CursorDrainer | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'k14-drainer-'));
    journal = Journal.open({ dir, maxBytes: 1 << 24, segmentBytes: 1 << 22, fsync: 'never', fsyncIntervalMs: 1000, cursorNames: ['store'] });
  });
  afterEach(async () => {
    for (const call of held) call.resolve();
    await drainer?.stop();
    drainer = undefined;
    journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (sink: (records: JournalRecord[]) => Promise<void>, maxInFlight: number, flushMs = 5) => {
    drainer = new CursorDrainer({ journal, cursorName: 'store', sink, batchMax: 10, flushMs, maxInFlight, logger: pino({ level: 'silent' }), retryMinMs: 5 });
    drainer.start();
    return journal.cursor('store');
  };

  it('hands up to maxInFlight whole batches on at once and commits them in journal order only', async () => {
    journal.append(Array.from({ length: 50 }, (_, i) => record(i)));
    const { calls, sink } = heldSink();
    const cursor = start(sink, 3);

    await waitFor(() => calls.length === 3);
    expect(calls.map((c) => c.seqs[0])).toEqual([0, 10, 20]);
    const committedBefore = cursor.committedPosition;
    calls[1]!.resolve();
    calls[2]!.resolve();
    await settle();
    expect(cursor.committedPosition).toBe(committedBefore); // the first batch is still out
    expect(calls).toHaveLength(3);

    calls[0]!.resolve();
    await waitFor(() => calls.length === 5);
    for (const call of calls.slice(3)) call.resolve();
    await waitFor(() => cursor.lagBytes === 0);
    expect(calls.flatMap((c) => c.seqs)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('keeps one batch at a time while less than a whole batch waits', async () => {
    const { calls, sink } = heldSink();
    start(sink, 4);
    journal.append([record(1), record(2)]);
    await waitFor(() => calls.length === 1);
    journal.append([record(3)]);
    await settle();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await waitFor(() => calls.length === 2);
    expect(calls[1]!.seqs).toEqual([3]);
    calls[1]!.resolve();
  });

  it('after a failed batch, waits for the later ones, then retries from the first uncommitted batch one at a time until one goes through', async () => {
    journal.append(Array.from({ length: 40 }, (_, i) => record(i)));
    const { calls, sink } = heldSink();
    const cursor = start(sink, 3);

    await waitFor(() => calls.length === 3);
    calls[0]!.resolve();
    calls[1]!.reject(new Error('store down'));
    await settle();
    expect(calls).toHaveLength(4); // the first batch's successor went on; no retry while a later batch is out
    calls[2]!.resolve();
    calls[3]!.resolve();
    await waitFor(() => calls.length === 5);
    expect(calls[4]!.seqs[0]).toBe(10);
    await settle();
    expect(calls).toHaveLength(5); // probing: one batch until the store takes one
    calls[4]!.resolve();
    await waitFor(() => calls.length === 7);
    expect(calls.slice(5).map((c) => c.seqs[0])).toEqual([20, 30]);
    for (const call of calls.slice(5)) call.resolve();
    await waitFor(() => cursor.lagBytes === 0);
  });

  it('lets a batch fill for flushMs from its first append: what came in during the last write goes on when it returns', async () => {
    const flushMs = 600;
    const { calls, sink } = heldSink();
    start(sink, 1, flushMs);
    const firstAt = Date.now();
    journal.append([record(0)]);
    await waitFor(() => calls.length === 1);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(flushMs - 5); // a lone record waits for company

    journal.append([record(1)]);
    await new Promise((resolve) => setTimeout(resolve, flushMs + 50)); // the write is still out
    const returnedAt = Date.now();
    calls[0]!.resolve();
    await waitFor(() => calls.length === 2);
    expect(calls[1]!.seqs).toEqual([1]);
    expect(Date.now() - returnedAt).toBeLessThan(flushMs / 2); // not another flushMs on top
    calls[1]!.resolve();
  });
});
