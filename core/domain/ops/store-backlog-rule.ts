// The store-backlog condition alarm: raised when the oldest reading not yet in the store is at least
// raiseAtAgeMs old, cleared once that age is back under clearBelowAgeMs (a lower bound: a deadband, so
// an age hovering around the threshold does not chatter). Evaluated on a timer; the clock comes in.
import { iso, type OpsAlarm, type OpsAlarmChange } from './ops-alarm.ts';

export interface BacklogRuleConfig {
  readonly raiseAtAgeMs: number;
  /** Must be below raiseAtAgeMs. */
  readonly clearBelowAgeMs: number;
}

export const DEFAULT_BACKLOG_RULE: BacklogRuleConfig = { raiseAtAgeMs: 30_000, clearBelowAgeMs: 10_000 };

export interface BacklogInput {
  readonly nowMs: number;
  /** Receive time of the oldest reading not yet accepted by the store; undefined when caught up. */
  readonly oldestPendingAtMs: number | undefined;
}

/** Age of the backlog in ms (0 when caught up). */
export function backlogAgeMs(input: BacklogInput): number {
  return input.oldestPendingAtMs === undefined ? 0 : Math.max(0, input.nowMs - input.oldestPendingAtMs);
}

/** Next alarm (undefined: never raised) and the change, if any. */
export function evaluateBacklog(
  current: OpsAlarm | undefined,
  input: BacklogInput,
  config: BacklogRuleConfig,
  source: string,
): { alarm: OpsAlarm | undefined; change?: OpsAlarmChange } {
  const ageMs = backlogAgeMs(input);
  const detail = { oldestPendingAgeMs: ageMs, thresholdMs: config.raiseAtAgeMs, clearBelowMs: config.clearBelowAgeMs };
  const at = iso(input.nowMs);
  if (!current?.active && ageMs >= config.raiseAtAgeMs) {
    const alarm: OpsAlarm = {
      kind: 'store-backlog',
      source,
      active: true,
      raisedAt: at,
      changedAt: at,
      clearedAt: null,
      message: `the oldest reading not yet in the store is ${Math.round(ageMs / 1000)} s old (threshold ${Math.round(config.raiseAtAgeMs / 1000)} s): the store is down or too slow`,
      detail,
    };
    return { alarm, change: { change: 'raised', alarm } };
  }
  if (current?.active && ageMs < config.clearBelowAgeMs) {
    const alarm: OpsAlarm = { ...current, active: false, changedAt: at, clearedAt: at, message: 'the store caught up', detail };
    return { alarm, change: { change: 'cleared', alarm } };
  }
  return { alarm: current };
}
