// The JSON of ingest's GET /ops: active operational alarms, the backlog age against its thresholds
// and seq-gap counts per device. Kept flat and stable: the fault-injection suite asserts on it.
import type { OpsAlarm } from '../../core/domain/ops/ops-alarm.ts';
import type { SeqGapTracker } from '../../core/domain/ops/seq-gap-tracker.ts';
import type { OpsConfig } from './ops-monitor.ts';

export interface OpsSnapshot {
  readonly source: string;
  /** Active alarms only. */
  readonly alarms: readonly OpsAlarm[];
  readonly backlog: { readonly oldestPendingAgeMs: number; readonly raiseAtAgeMs: number; readonly clearBelowAgeMs: number };
  readonly seq: {
    readonly missingTotal: number;
    readonly devices: Readonly<Record<string, { lastSeq: number; missing: number; gaps: number; duplicates: number; restarts: number }>>;
    readonly recentGaps: ReadonlyArray<{ device: string; expected: number; got: number; missing: number; at: string }>;
  };
}

export function opsSnapshot(o: { source: string; alarms: ReadonlyArray<OpsAlarm | undefined>; backlogAgeMs: number; config: OpsConfig; tracker: SeqGapTracker }): OpsSnapshot {
  const devices: Record<string, { lastSeq: number; missing: number; gaps: number; duplicates: number; restarts: number }> = {};
  for (const [device, s] of o.tracker.allStats()) devices[device] = { lastSeq: s.lastSeq, missing: s.missing, gaps: s.gaps, duplicates: s.duplicates, restarts: s.restarts };
  return {
    source: o.source,
    alarms: o.alarms.filter((a): a is OpsAlarm => a?.active === true),
    backlog: { oldestPendingAgeMs: o.backlogAgeMs, raiseAtAgeMs: o.config.backlog.raiseAtAgeMs, clearBelowAgeMs: o.config.backlog.clearBelowAgeMs },
    seq: {
      missingTotal: o.tracker.missingTotal,
      devices,
      recentGaps: o.tracker.recentGaps().map((g) => ({ device: g.device, expected: g.expected, got: g.got, missing: g.missing, at: new Date(g.atMs).toISOString() })),
    },
  };
}
