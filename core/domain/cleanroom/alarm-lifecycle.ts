// The ANSI/ISA-18.2 alarm state machine as a pure reducer: condition changes from the system, acknowledge,
// shelve and unshelve from users; every transition recorded, every illegal command a coded error.
import {
  AlarmTransitionError,
  SYSTEM_ACTOR,
  type AlarmInstance,
  type AlarmKind,
  type AlarmSeverity,
  type AlarmState,
  type AlarmTransition,
  type AlarmTransitionErrorCode,
  type TransitionCause,
} from './alarm-types.ts';
import type { SizeChannel } from '../readings.ts';

interface ConditionFacts {
  readonly atMs: number;
  /** The sample time behind the change, null when none (stale detection). */
  readonly conditionAtMs: number | null;
  readonly concentrationPerM3: number | null;
}

export type AlarmCommand =
  | (ConditionFacts & { readonly type: 'raise'; readonly severity: AlarmSeverity; readonly levelPerM3: number | null })
  | (ConditionFacts & { readonly type: 'clear' })
  | (ConditionFacts & { readonly type: 'change-severity'; readonly severity: AlarmSeverity; readonly levelPerM3: number | null })
  | { readonly type: 'acknowledge'; readonly atMs: number; readonly actor: string; readonly comment: string }
  | { readonly type: 'shelve'; readonly atMs: number; readonly actor: string; readonly comment: string; readonly untilMs: number }
  | { readonly type: 'unshelve'; readonly atMs: number; readonly actor: string; readonly comment: string | null }
  | { readonly type: 'expire-shelve'; readonly atMs: number };

export interface AlarmStep {
  readonly alarm: AlarmInstance;
  readonly transitions: readonly AlarmTransition[];
}

export interface AlarmIdentity {
  readonly id: string;
  readonly key: string;
  readonly kind: AlarmKind;
  readonly roomId: string;
  readonly counterId: string;
  readonly channel: SizeChannel | null;
  readonly severity: AlarmSeverity;
  readonly raisedAt: number;
}

/** A fresh instance in 'normal', ready for its 'raise'. */
export function newAlarm(identity: AlarmIdentity): AlarmInstance {
  // Field order as declared, the order a restored snapshot has: the JSON of both is byte-identical.
  const { id, key, kind, roomId, counterId, channel, severity, raisedAt } = identity;
  return {
    id,
    key,
    kind,
    roomId,
    counterId,
    channel,
    severity,
    state: 'normal',
    conditionActive: false,
    raisedAt,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeComment: null,
    shelvedAt: null,
    shelvedBy: null,
    shelveComment: null,
    shelvedUntil: null,
    peakPerM3: null,
    levelPerM3: null,
  };
}

/** Applies one command; returns the alarm after it and the transition it made, or throws AlarmTransitionError. */
export function stepAlarm(alarm: AlarmInstance, command: AlarmCommand): AlarmStep {
  switch (command.type) {
    case 'raise':
      return raise(alarm, command);
    case 'clear':
      return clear(alarm, command);
    case 'change-severity':
      return changeSeverity(alarm, command);
    case 'acknowledge':
      return acknowledge(alarm, command);
    case 'shelve':
      return shelve(alarm, command);
    case 'unshelve':
      if (alarm.state !== 'shelved') throw illegal(alarm, command.type, `alarm "${alarm.id}" is not shelved`);
      requireText(alarm, command.type, 'ACTOR_REQUIRED', command.actor, 'an actor');
      return leaveShelf(alarm, command.type, { atMs: command.atMs, actor: command.actor, comment: blankToNull(command.comment), cause: 'unshelved' });
    case 'expire-shelve':
      if (alarm.state === 'shelved' && alarm.shelvedUntil !== null && command.atMs < alarm.shelvedUntil) {
        throw illegal(alarm, command.type, `shelve of alarm "${alarm.id}" runs until ${alarm.shelvedUntil}, not expired at ${command.atMs}`);
      }
      return leaveShelf(alarm, command.type, { atMs: command.atMs, actor: SYSTEM_ACTOR, comment: null, cause: 'shelve-expired' });
  }
}

function raise(alarm: AlarmInstance, command: Extract<AlarmCommand, { type: 'raise' }>): AlarmStep {
  if (alarm.conditionActive) throw illegal(alarm, command.type, `alarm "${alarm.id}" is already active`);
  const to: AlarmState = alarm.state === 'shelved' ? 'shelved' : 'active-unacknowledged';
  const after = { ...alarm, state: to, conditionActive: true, severity: command.severity, levelPerM3: command.levelPerM3, clearedAt: null };
  return record(alarm, after, { ...command, actor: SYSTEM_ACTOR, comment: null, cause: 'raised' });
}

function clear(alarm: AlarmInstance, command: Extract<AlarmCommand, { type: 'clear' }>): AlarmStep {
  if (!alarm.conditionActive) throw illegal(alarm, command.type, `alarm "${alarm.id}" is not active`);
  // Acknowledged and now clear: nothing left to do. Unacknowledged: it still waits for someone.
  const to: AlarmState = alarm.state === 'active-acknowledged' ? 'normal' : alarm.state === 'shelved' ? 'shelved' : 'cleared-unacknowledged';
  const after = { ...alarm, state: to, conditionActive: false, clearedAt: command.conditionAtMs ?? command.atMs };
  return record(alarm, after, { ...command, actor: SYSTEM_ACTOR, comment: null, cause: 'cleared' });
}

function changeSeverity(alarm: AlarmInstance, command: Extract<AlarmCommand, { type: 'change-severity' }>): AlarmStep {
  if (!alarm.conditionActive) throw illegal(alarm, command.type, `alarm "${alarm.id}" is not active`);
  if (command.severity === alarm.severity) throw illegal(alarm, command.type, `alarm "${alarm.id}" is already at ${alarm.severity}`);
  // An escalation is a new demand for response, so an acknowledged alarm asks again; a de-escalation does not.
  const escalates = command.severity === 'action';
  const to: AlarmState = alarm.state === 'active-acknowledged' && escalates ? 'active-unacknowledged' : alarm.state;
  const after = { ...alarm, state: to, severity: command.severity, levelPerM3: command.levelPerM3 };
  return record(alarm, after, { ...command, actor: SYSTEM_ACTOR, comment: null, cause: 'severity-changed' });
}

function acknowledge(alarm: AlarmInstance, command: Extract<AlarmCommand, { type: 'acknowledge' }>): AlarmStep {
  if (alarm.state !== 'active-unacknowledged' && alarm.state !== 'cleared-unacknowledged') {
    throw illegal(alarm, command.type, `alarm "${alarm.id}" is ${alarm.state}: only an unacknowledged alarm can be acknowledged`);
  }
  requireText(alarm, command.type, 'ACTOR_REQUIRED', command.actor, 'an actor');
  requireText(alarm, command.type, 'COMMENT_REQUIRED', command.comment, 'a comment naming the assignable cause');
  const to: AlarmState = alarm.state === 'active-unacknowledged' ? 'active-acknowledged' : 'normal';
  const comment = command.comment.trim();
  const after = { ...alarm, state: to, acknowledgedAt: command.atMs, acknowledgedBy: command.actor, acknowledgeComment: comment };
  return record(alarm, after, { atMs: command.atMs, actor: command.actor, comment, cause: 'acknowledged' });
}

function shelve(alarm: AlarmInstance, command: Extract<AlarmCommand, { type: 'shelve' }>): AlarmStep {
  if (alarm.state === 'normal' || alarm.state === 'shelved') {
    throw illegal(alarm, command.type, `alarm "${alarm.id}" is ${alarm.state}: only an annunciated alarm can be shelved`);
  }
  requireText(alarm, command.type, 'ACTOR_REQUIRED', command.actor, 'an actor');
  requireText(alarm, command.type, 'COMMENT_REQUIRED', command.comment, 'a comment saying why it is shelved');
  if (!(command.untilMs > command.atMs)) {
    throw new AlarmTransitionError('SHELVE_EXPIRY_INVALID', alarm.id, alarm.state, command.type, `a shelve must expire after it starts (${command.untilMs} ≤ ${command.atMs})`);
  }
  const comment = command.comment.trim();
  const after = { ...alarm, state: 'shelved' as const, shelvedAt: command.atMs, shelvedBy: command.actor, shelveComment: comment, shelvedUntil: command.untilMs };
  return record(alarm, after, { atMs: command.atMs, actor: command.actor, comment, cause: 'shelved' });
}

interface Who {
  readonly atMs: number;
  readonly actor: string;
  readonly comment: string | null;
  readonly cause: TransitionCause;
}

/** Back from the shelf in whatever state the condition is in now: active and unacknowledged, or normal. */
function leaveShelf(alarm: AlarmInstance, command: AlarmCommand['type'], who: Who): AlarmStep {
  if (alarm.state !== 'shelved') throw illegal(alarm, command, `alarm "${alarm.id}" is not shelved`);
  const to: AlarmState = alarm.conditionActive ? 'active-unacknowledged' : 'normal';
  return record(alarm, { ...alarm, state: to }, who);
}

function record(before: AlarmInstance, after: AlarmInstance, facts: Who & Partial<ConditionFacts>): AlarmStep {
  const alarm = tidy(after);
  const transition: AlarmTransition = {
    alarmId: alarm.id,
    key: alarm.key,
    kind: alarm.kind,
    atMs: facts.atMs,
    actor: facts.actor,
    comment: facts.comment,
    cause: facts.cause,
    from: before.state,
    to: alarm.state,
    severity: alarm.severity,
    conditionActive: alarm.conditionActive,
    suppressed: before.state === 'shelved' && alarm.state === 'shelved',
    conditionAtMs: facts.conditionAtMs ?? null,
    concentrationPerM3: facts.concentrationPerM3 ?? null,
    levelPerM3: alarm.levelPerM3,
  };
  return { alarm, transitions: [transition] };
}

/** Fields that only mean something in some states are null in the others. */
function tidy(alarm: AlarmInstance): AlarmInstance {
  const unacknowledged = alarm.state === 'active-unacknowledged' || alarm.state === 'cleared-unacknowledged';
  const ack = unacknowledged ? { acknowledgedAt: null, acknowledgedBy: null, acknowledgeComment: null } : {};
  const shelf = alarm.state === 'shelved' ? {} : { shelvedAt: null, shelvedBy: null, shelveComment: null, shelvedUntil: null };
  return { ...alarm, ...ack, ...shelf };
}

function illegal(alarm: AlarmInstance, command: string, message: string): AlarmTransitionError {
  return new AlarmTransitionError('ILLEGAL_TRANSITION', alarm.id, alarm.state, command, message);
}

function requireText(alarm: AlarmInstance, command: string, code: AlarmTransitionErrorCode, text: string, what: string): void {
  if (text.trim() === '') throw new AlarmTransitionError(code, alarm.id, alarm.state, command, `${command} of alarm "${alarm.id}" needs ${what}`);
}

function blankToNull(text: string | null): string | null {
  return text === null || text.trim() === '' ? null : text.trim();
}
