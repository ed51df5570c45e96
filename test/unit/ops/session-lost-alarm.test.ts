import { describe, expect, it } from 'vitest';
import { acknowledgeSessionLost, INITIAL_SESSION_WATCH, onConnack, type SessionWatch } from '../../../core/domain/ops/session-lost-alarm.ts';

const T0 = Date.parse('2026-11-24T12:00:00Z');

function connacks(sessionPresent: readonly boolean[], watch: SessionWatch = INITIAL_SESSION_WATCH): { watch: SessionWatch; changes: string[] } {
  const changes: string[] = [];
  sessionPresent.forEach((present, i) => {
    const next = onConnack(watch, present, T0 + i * 1000, 'k14-ingest');
    watch = next.watch;
    if (next.change) changes.push(next.change.change);
  });
  return { watch, changes };
}

describe('session-lost alarm', () => {
  it('is not raised by the first connection, which never has a session to lose', () => {
    expect(connacks([false]).changes).toEqual([]);
    expect(connacks([false, true, true]).changes).toEqual([]);
  });

  it('is raised by Session Present 0 after an earlier connection, and does not clear on its own', () => {
    const { watch, changes } = connacks([false, true, false, true, true]);
    expect(changes).toEqual(['raised']);
    expect(watch.alarm).toMatchObject({ kind: 'session-lost', source: 'k14-ingest', active: true, raisedAt: '2026-11-24T12:00:02.000Z', detail: { occurrences: 1 } });
  });

  it('repeats while unacknowledged, counting occurrences and keeping the first raise time', () => {
    const { watch, changes } = connacks([true, false, false]);
    expect(changes).toEqual(['raised', 'repeated']);
    expect(watch.alarm).toMatchObject({ raisedAt: '2026-11-24T12:00:01.000Z', changedAt: '2026-11-24T12:00:02.000Z', detail: { occurrences: 2 } });
  });

  it('clears when acknowledged; a later loss is a new episode', () => {
    const lost = connacks([true, false]).watch;
    const acked = acknowledgeSessionLost(lost, T0 + 10_000);
    expect(acked.change?.change).toBe('cleared');
    expect(acked.watch.alarm).toMatchObject({ active: false, clearedAt: '2026-11-24T12:00:10.000Z' });
    expect(acknowledgeSessionLost(acked.watch, T0 + 11_000).change).toBeUndefined();
    const again = onConnack(acked.watch, false, T0 + 20_000, 'k14-ingest');
    expect(again.change?.change).toBe('raised');
    expect(again.watch.alarm?.detail).toEqual({ occurrences: 1 });
  });
});
