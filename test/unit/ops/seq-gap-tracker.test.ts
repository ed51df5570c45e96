import { describe, expect, it } from 'vitest';
import { SeqGapTracker } from '../../../core/domain/ops/seq-gap-tracker.ts';

const feed = (tracker: SeqGapTracker, device: string, seqs: readonly number[], atMs = 1_000) => seqs.map((seq, i) => tracker.observe(device, seq, atMs + i));

describe('seq gap tracker', () => {
  it('reports 1, 2, 5 as one gap of two missing', () => {
    const tracker = new SeqGapTracker();
    expect(feed(tracker, 'meter/m1', [1, 2, 5])).toEqual(['first', 'next', 'gap']);
    expect(tracker.stats('meter/m1')).toMatchObject({ lastSeq: 5, missing: 2, gaps: 1, duplicates: 0, restarts: 0 });
    expect(tracker.recentGaps()).toEqual([{ device: 'meter/m1', expected: 3, got: 5, missing: 2, atMs: 1_002 }]);
    expect(tracker.missingTotal).toBe(2);
  });

  it('ignores duplicates and redeliveries, and carries on from the highest seq', () => {
    const tracker = new SeqGapTracker();
    expect(feed(tracker, 'd', [10, 11, 11, 12, 10, 12, 13])).toEqual(['first', 'next', 'duplicate', 'next', 'duplicate', 'duplicate', 'next']);
    expect(tracker.stats('d')).toMatchObject({ lastSeq: 13, missing: 0, gaps: 0, duplicates: 3 });
  });

  it('takes a drop back to a small seq for a reboot, not a gap, and counts from there', () => {
    const tracker = new SeqGapTracker({ restartSeqMax: 3 });
    expect(feed(tracker, 'd', [500, 501, 0, 1, 2, 4])).toEqual(['first', 'next', 'restart', 'next', 'next', 'gap']);
    expect(tracker.stats('d')).toMatchObject({ lastSeq: 4, missing: 1, restarts: 1 });
  });

  it('does not take a redelivered low seq for a reboot while the device is still counting up from boot', () => {
    const tracker = new SeqGapTracker({ restartSeqMax: 3 });
    expect(feed(tracker, 'd', [0, 1, 2, 1, 3])).toEqual(['first', 'next', 'next', 'duplicate', 'next']);
    expect(tracker.stats('d')).toMatchObject({ restarts: 0, duplicates: 1, missing: 0 });
  });

  it('keeps each device apart and sums the missing over all', () => {
    const tracker = new SeqGapTracker();
    feed(tracker, 'meter/a', [1, 4]);
    feed(tracker, 'pms/room/c1', [7, 8, 20]);
    expect(tracker.stats('meter/a')?.missing).toBe(2);
    expect(tracker.stats('pms/room/c1')?.missing).toBe(11);
    expect(tracker.missingTotal).toBe(13);
    expect([...tracker.allStats().keys()]).toEqual(['meter/a', 'pms/room/c1']);
  });

  it('keeps only the most recent gaps, newest last', () => {
    const tracker = new SeqGapTracker({ recentGapLimit: 2 });
    feed(tracker, 'd', [1, 3, 5, 7]);
    expect(tracker.recentGaps().map((g) => g.got)).toEqual([5, 7]);
    expect(tracker.stats('d')?.gaps).toBe(3);
  });
});
