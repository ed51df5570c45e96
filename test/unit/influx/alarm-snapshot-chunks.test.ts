// Splitting the alarm engine snapshot into InfluxDB string fields, and sub-millisecond transition times:
// pure functions, so the edge cases (a surrogate pair at a cut, a crowded millisecond) are tested here.
import { describe, expect, it } from 'vitest';
import type { KeyedTransition } from '../../../core/adapters/alarm-records.ts';
import { joinSnapshotParts, snapshotParts } from '../../../core/adapters/influx-alarms/snapshot-chunks.ts';
import { timeTransitions } from '../../../core/adapters/influx-alarms/transition-times.ts';

const rowOf = (parts: [string, string][]): Record<string, unknown> => ({ parts: parts.length, ...Object.fromEntries(parts) });

describe('snapshot parts', () => {
  it('keeps a short snapshot in the one field json', () => {
    expect(snapshotParts('{"a":1}')).toStrictEqual([['json', '{"a":1}']]);
    expect(snapshotParts('')).toStrictEqual([['json', '']]);
  });

  it('never cuts a surrogate pair in two', () => {
    const text = `ab${'🚪'.repeat(5)}`;
    const parts = snapshotParts(text, 3);
    for (const [, part] of parts) expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
    expect(parts.map(([field]) => field)).toStrictEqual(['json', 'json_1', 'json_2', 'json_3', 'json_4', 'json_5']);
    expect(joinSnapshotParts(rowOf(parts))).toBe(text);
  });

  it('ignores parts left over from a larger snapshot', () => {
    expect(joinSnapshotParts({ parts: 1, json: 'small', json_1: 'left over' })).toBe('small');
    expect(() => joinSnapshotParts({ parts: 2, json: 'half' })).toThrow(/part 1 of 2/);
  });
});

describe('transition times', () => {
  const keyed = (key: string, atMs: number): KeyedTransition => ({ key, transition: { atMs }, alarm: {} }) as unknown as KeyedTransition;

  it('gives transitions of one millisecond ascending ns offsets in save order', () => {
    expect(timeTransitions([keyed('a', 5), keyed('b', 5), keyed('c', 6)], []).map((t) => t.timeNs)).toStrictEqual(['5000000', '5000001', '6000000']);
  });

  it('keeps the time of a key already stored and puts new ones after what is stored', () => {
    const stored = [
      { key: 'a', timeNs: 5_000_000n },
      { key: 'b', timeNs: 5_000_001n },
    ];
    expect(timeTransitions([keyed('b', 5), keyed('c', 5)], stored).map((t) => t.timeNs)).toStrictEqual(['5000001', '5000002']);
  });
});
