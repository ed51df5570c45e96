// The write-ahead journal on a real temp directory: ordering, checkpoints across reopen, torn tails,
// segment rotation and deletion, and the space limit that pauses acknowledgements.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../ingest/journal/journal-record.ts';
import { Journal, type JournalOptions } from '../../../ingest/journal/journal.ts';
import { aMeterReading } from '../../fixtures/readings.ts';

const record = (seq: number): JournalRecord => ({ t: 'r', at: 1_700_000_000_000 + seq, r: aMeterReading({ seq, tsMs: 1_700_000_000_000 + seq }) });
const seqs = (records: JournalRecord[]) => records.map((r) => (r.t === 'r' ? r.r.seq : -1));

describe('Journal', () => {
  let dir: string;
  let journal: Journal | undefined;
  const open = (overrides: Partial<JournalOptions> = {}) => {
    journal = Journal.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, fsync: 'never', fsyncIntervalMs: 1000, cursorNames: ['store', 'live'], ...overrides });
    return journal;
  };
  const reopen = (overrides: Partial<JournalOptions> = {}) => {
    journal?.close();
    return open(overrides);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'k14-journal-'));
  });
  afterEach(() => {
    journal?.close();
    journal = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands records to each cursor in append order', () => {
    const j = open();
    j.append([record(1), record(2)]);
    j.append([record(3)]);
    expect(seqs(j.cursor('store').read(10).records)).toEqual([1, 2, 3]);
    expect(seqs(j.cursor('live').read(2).records)).toEqual([1, 2]);
    expect(seqs(j.cursor('live').read(2).records)).toEqual([3]);
  });

  it('resumes each cursor from its last commit after a reopen, replaying what was read but not committed', () => {
    let j = open();
    j.append([1, 2, 3, 4].map(record));
    const store = j.cursor('store');
    const first = store.read(2);
    store.commit(first.endPosition);
    store.read(2); // read, never committed: the process "crashed" before the sink accepted it
    j = reopen();
    expect(seqs(j.cursor('store').read(10).records)).toEqual([3, 4]);
    expect(seqs(j.cursor('live').read(10).records)).toEqual([1, 2, 3, 4]);
  });

  it('rewind() re-reads from the last commit so a failed batch is retried', () => {
    const j = open();
    j.append([1, 2, 3].map(record));
    const cursor = j.cursor('store');
    cursor.read(3);
    cursor.rewind();
    expect(seqs(cursor.read(3).records)).toEqual([1, 2, 3]);
  });

  it('drops a torn last line (an append that never completed) on reopen and keeps appending after it', () => {
    let j = open();
    j.append([record(1)]);
    const segment = fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!;
    fs.appendFileSync(path.join(dir, segment), '{"t":"r","at":17000');
    j = reopen();
    j.append([record(2)]);
    expect(seqs(j.cursor('store').read(10).records)).toEqual([1, 2]);
  });

  it('rotates segments and deletes one only after every cursor has passed it', () => {
    const j = open({ segmentBytes: 2048 });
    for (let i = 0; i < 50; i++) j.append([record(i)]);
    const segmentCount = () => fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).length;
    const before = segmentCount();
    expect(before).toBeGreaterThan(3);
    const store = j.cursor('store');
    store.commit(store.read(1000).endPosition);
    expect(segmentCount()).toBe(before); // live has not consumed anything yet
    const live = j.cursor('live');
    const all = live.read(1000);
    expect(all.records).toHaveLength(50);
    live.commit(all.endPosition);
    expect(segmentCount()).toBe(1);
    expect(j.pendingBytes).toBe(0);
  });

  it('reports no space past maxBytes of unconsumed records and wakes waiters when a commit frees space', async () => {
    const j = open({ maxBytes: 1000, cursorNames: ['store'] });
    while (j.hasSpace()) j.append([record(1)]);
    let woke = false;
    const waiting = j.waitForSpace().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    const cursor = j.cursor('store');
    cursor.commit(cursor.read(1000).endPosition);
    await waiting;
    expect(woke).toBe(true);
  });

  it('hands out recent appends from memory at the byte positions the file has, multi-byte text included', () => {
    let j = open();
    const letter = (id: string): JournalRecord => ({ t: 'd', d: { id, receivedAtMs: 1, topic: 'k14/meter/µ-1', reason: 'schema_violation', detail: 'flow in m³/h: Ω', payload: '{"ü":1}', payloadEncoding: 'utf8', payloadBytes: 8, truncated: false, status: 'pending' } });
    j.append([record(1), letter('a'), record(2)]);
    j.append([letter('b'), record(3)]);
    fs.rmSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!)); // from here on only memory can answer
    const store = j.cursor('store');
    const first = store.read(2); // ends inside the first append
    expect(first.records.map((r) => (r.t === 'r' ? r.r.seq : r.d.id))).toEqual([1, 'a']);
    store.commit(first.endPosition);
    expect(store.read(10).records.map((r) => (r.t === 'r' ? r.r.seq : r.d.id))).toEqual([2, 'b', 3]);
    j.close();
    journal = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);

    j = open();
    j.append([record(1), letter('a'), record(2)]);
    j.append([letter('b'), record(3)]);
    const live = j.cursor('live');
    const part = live.read(2);
    live.commit(part.endPosition);
    j = reopen(); // nothing in memory now: the committed position must fall on a line boundary of the file
    const rest = j.cursor('live').read(10);
    expect(rest.corruptLines).toBe(0);
    expect(rest.records.map((r) => (r.t === 'r' ? r.r.seq : r.d.id))).toEqual([2, 'b', 3]);
  });
});
