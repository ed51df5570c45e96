// Cleanroom alarm instances and transition records (ANSI/ISA-18.2 states), and their coded errors.
// Plain JSON data: null, never undefined, so a snapshot round trip is exact.
import type { SizeChannel } from '../readings.ts';

export const ALARM_STATES = ['normal', 'active-unacknowledged', 'active-acknowledged', 'cleared-unacknowledged', 'shelved'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export const ALARM_KINDS = ['excursion', 'stale'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/**
 * Stale alarms are 'action': a silent counter means the room cannot be shown to be within its class,
 * which calls for the same immediate response (restore monitoring, sample by hand) as an action excursion.
 * `kind` keeps them apart wherever that matters.
 */
export const ALARM_SEVERITIES = ['alert', 'action'] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

export const SYSTEM_ACTOR = 'system';

export interface AlarmInstance {
  /** Unique per occurrence: a new excursion after the last one closed is a new instance. */
  readonly id: string;
  /** `room/counter/channel` for an excursion, `room/counter/stale` for a silent counter. */
  readonly key: string;
  readonly kind: AlarmKind;
  readonly roomId: string;
  readonly counterId: string;
  readonly channel: SizeChannel | null;
  readonly severity: AlarmSeverity;
  readonly state: AlarmState;
  /** The condition behind the alarm, tracked even while shelved. */
  readonly conditionActive: boolean;
  /** When the condition was first raised (the sample's time for an excursion). */
  readonly raisedAt: number;
  /** When the condition last returned to normal; null while active. */
  readonly clearedAt: number | null;
  readonly acknowledgedAt: number | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgeComment: string | null;
  readonly shelvedAt: number | null;
  readonly shelvedBy: string | null;
  readonly shelveComment: string | null;
  readonly shelvedUntil: number | null;
  /** Highest concentration of the occurrence, particles/m³ (excursions only). */
  readonly peakPerM3: number | null;
  /** The level of the current severity that was crossed, particles/m³ (excursions only). */
  readonly levelPerM3: number | null;
}

export const TRANSITION_CAUSES = ['raised', 'cleared', 'severity-changed', 'acknowledged', 'shelved', 'unshelved', 'shelve-expired'] as const;
export type TransitionCause = (typeof TRANSITION_CAUSES)[number];

/** One audit record per transition: who, when, why, from where to where, at which severity. */
export interface AlarmTransition {
  readonly alarmId: string;
  readonly key: string;
  readonly kind: AlarmKind;
  readonly atMs: number;
  /** 'system' for condition changes and shelve expiry, otherwise the user. */
  readonly actor: string;
  readonly comment: string | null;
  readonly cause: TransitionCause;
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly severity: AlarmSeverity;
  readonly conditionActive: boolean;
  /** Recorded but not to be annunciated: the alarm is shelved. */
  readonly suppressed: boolean;
  /** The sample time behind a condition change, when one caused it. */
  readonly conditionAtMs: number | null;
  readonly concentrationPerM3: number | null;
  readonly levelPerM3: number | null;
}

export type AlarmTransitionErrorCode = 'ILLEGAL_TRANSITION' | 'COMMENT_REQUIRED' | 'ACTOR_REQUIRED' | 'SHELVE_EXPIRY_INVALID';

/** A command the alarm's current state does not allow, or one missing what the audit trail needs. */
export class AlarmTransitionError extends Error {
  constructor(
    readonly code: AlarmTransitionErrorCode,
    readonly alarmId: string,
    readonly state: AlarmState,
    readonly command: string,
    message: string,
  ) {
    super(message);
    this.name = 'AlarmTransitionError';
  }
}

export class AlarmNotFoundError extends Error {
  readonly code = 'ALARM_NOT_FOUND';
  constructor(readonly alarmId: string) {
    super(`no open alarm "${alarmId}"`);
    this.name = 'AlarmNotFoundError';
  }
}
