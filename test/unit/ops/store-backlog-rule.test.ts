import { describe, expect, it } from 'vitest';
import type { OpsAlarm } from '../../../core/domain/ops/ops-alarm.ts';
import { evaluateBacklog, type BacklogRuleConfig } from '../../../core/domain/ops/store-backlog-rule.ts';

const RULE: BacklogRuleConfig = { raiseAtAgeMs: 30_000, clearBelowAgeMs: 10_000 };
const T0 = Date.parse('2026-11-24T12:00:00Z');

/** Runs the rule over (now, oldest pending) samples, collecting the changes. */
function run(samples: ReadonlyArray<readonly [number, number | undefined]>): { alarm: OpsAlarm | undefined; changes: string[] } {
  let alarm: OpsAlarm | undefined;
  const changes: string[] = [];
  for (const [nowMs, oldestPendingAtMs] of samples) {
    const next = evaluateBacklog(alarm, { nowMs, oldestPendingAtMs }, RULE, 'ingest-1');
    alarm = next.alarm;
    if (next.change) changes.push(`${next.change.change}@${(nowMs - T0) / 1000}`);
  }
  return { alarm, changes };
}

describe('store backlog rule', () => {
  it('stays quiet while the store keeps up', () => {
    expect(run([[T0, undefined], [T0 + 5_000, T0 + 4_000], [T0 + 60_000, T0 + 59_990]])).toEqual({ alarm: undefined, changes: [] });
  });

  it('raises once the oldest pending reading is 30 s old, evaluated every 5 s: within 35 s of the outage', () => {
    const outageAt = T0 + 1_000;
    const samples = Array.from({ length: 10 }, (_, i) => [T0 + i * 5_000, T0 + i * 5_000 >= outageAt ? outageAt : undefined] as const);
    const { alarm, changes } = run(samples);
    expect(changes).toEqual(['raised@35']);
    expect(alarm).toMatchObject({ kind: 'store-backlog', source: 'ingest-1', active: true, raisedAt: '2026-11-24T12:00:35.000Z', clearedAt: null });
    expect(alarm?.detail).toEqual({ oldestPendingAgeMs: 34_000, thresholdMs: 30_000, clearBelowMs: 10_000 });
  });

  it('clears only under the lower bound, so an age hovering around the threshold does not chatter', () => {
    const at = (s: number, ageS: number | undefined) => [T0 + s * 1000, ageS === undefined ? undefined : T0 + (s - ageS) * 1000] as const;
    const { alarm, changes } = run([at(0, 31), at(5, 29), at(10, 31), at(15, 25), at(20, 11), at(25, 9), at(30, 28), at(35, undefined)]);
    expect(changes).toEqual(['raised@0', 'cleared@25']);
    expect(alarm).toMatchObject({ active: false, raisedAt: '2026-11-24T12:00:00.000Z', clearedAt: '2026-11-24T12:00:25.000Z' });
  });

  it('raises again for a new episode', () => {
    const { changes } = run([[T0, T0 - 30_000], [T0 + 5_000, undefined], [T0 + 40_000, T0 + 5_000]]);
    expect(changes).toEqual(['raised@0', 'cleared@5', 'raised@40']);
  });
});
