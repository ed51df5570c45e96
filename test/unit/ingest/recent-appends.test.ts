// The in-memory tail of the journal: records by the positions their lines end at, bounded, freed as
// cursors read past them.
import { describe, expect, it } from 'vitest';
import { RecentAppends } from '../../../ingest/journal/recent-appends.ts';
import type { JournalRecord } from '../../../ingest/journal/journal-record.ts';
import { aMeterReading } from '../../fixtures/readings.ts';

const record = (seq: number): JournalRecord => ({ t: 'r', at: seq, r: aMeterReading({ seq }) });
const seqs = (records: readonly JournalRecord[] | undefined) => records?.map((r) => (r.t === 'r' ? r.r.seq : -1));

describe('RecentAppends', () => {
  // Two appends: records 1–3 on bytes 100–130 (lines of 10 bytes), records 4–5 on 130–150.
  const filled = (maxRecords = 100) => {
    const recent = new RecentAppends(maxRecords);
    recent.add(100, [10, 20, 30], [record(1), record(2), record(3)]);
    recent.add(130, [10, 20], [record(4), record(5)]);
    return recent;
  };

  it('answers from an append start or any line end inside it, up to maxRecords, with the position after the last', () => {
    const recent = filled();
    expect(recent.from(100, 10)).toEqual({ records: [record(1), record(2), record(3)], end: 130 });
    expect(recent.from(110, 1)).toEqual({ records: [record(2)], end: 120 });
    expect(seqs(recent.from(130, 10)?.records)).toEqual([4, 5]);
  });

  it('does not answer between line ends, before the first append or at the end', () => {
    const recent = filled();
    expect(recent.from(105, 10)).toBeUndefined();
    expect(recent.from(90, 10)).toBeUndefined();
    expect(recent.from(150, 10)).toBeUndefined();
  });

  it('keeps at most maxRecords, dropping the oldest appends first', () => {
    const recent = filled(3);
    expect(recent.from(100, 10)).toBeUndefined();
    expect(seqs(recent.from(130, 10)?.records)).toEqual([4, 5]);
  });

  it('forgets appends every cursor has read past, and only those', () => {
    const recent = filled();
    recent.dropBefore(129);
    expect(seqs(recent.from(110, 10)?.records)).toEqual([2, 3]);
    recent.dropBefore(130);
    expect(recent.from(110, 10)).toBeUndefined();
    expect(seqs(recent.from(130, 10)?.records)).toEqual([4, 5]);
  });
});
