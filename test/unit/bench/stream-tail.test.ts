// The bench's completion probe: the tail of a device stream must be exactly the messages carrying its
// newest timestamp, or the wait would stop early (tail too small) or never (too large).
import { describe, expect, it } from 'vitest';
import { deviceMessage, streamTail } from '../../../bench/load/device-mix.ts';

const START_MS = 1_700_000_000_000;

function newestTimestampCount(count: number): { sinceMs: number; count: number } {
  const timestamps = Array.from({ length: count }, (_, n) => (JSON.parse(deviceMessage(n, START_MS).payload) as { ts: number }).ts);
  const sinceMs = Math.max(...timestamps);
  return { sinceMs, count: timestamps.filter((ts) => ts === sinceMs).length };
}

describe('streamTail', () => {
  it.each([1, 999, 1_000, 1_001, 2_500, 7_777])('matches a scan of the whole stream of %i messages', (count) => {
    expect(streamTail(count, START_MS)).toEqual(newestTimestampCount(count));
  });

  it('is one full round of devices for a stream of whole rounds', () => {
    expect(streamTail(500_000, START_MS)).toEqual({ sinceMs: START_MS + 499_000, count: 1_000 });
  });
});
