// The ISA-18.2 alarm state machine: every legal transition with its record, every illegal command a
// coded error, and the fields the audit trail needs.
import { describe, expect, it } from 'vitest';
import { newAlarm, stepAlarm, type AlarmCommand } from '../../../core/domain/cleanroom/alarm-lifecycle.ts';
import { AlarmTransitionError, type AlarmInstance, type AlarmState } from '../../../core/domain/cleanroom/alarm-types.ts';
import { deepFreeze, T0 } from './cleanroom-fixtures.ts';

const facts = { atMs: T0, conditionAtMs: T0, concentrationPerM3: 3_600_000 };
const cmd = {
  raise: { type: 'raise', ...facts, severity: 'alert', levelPerM3: 2_464_000 },
  raiseAction: { type: 'raise', ...facts, severity: 'action', levelPerM3: 3_520_000 },
  clear: { type: 'clear', ...facts },
  escalate: { type: 'change-severity', ...facts, severity: 'action', levelPerM3: 3_520_000 },
  deescalate: { type: 'change-severity', ...facts, severity: 'alert', levelPerM3: 2_464_000 },
  ack: { type: 'acknowledge', atMs: T0 + 1, actor: 'operator.lin', comment: 'door left open during gowning' },
  shelve: { type: 'shelve', atMs: T0 + 2, actor: 'supervisor.chen', comment: 'filter change in progress', untilMs: T0 + 3_600_000 },
  unshelve: { type: 'unshelve', atMs: T0 + 3, actor: 'supervisor.chen', comment: 'filter changed' },
  expire: { type: 'expire-shelve', atMs: T0 + 3_600_000 },
  expireEarly: { type: 'expire-shelve', atMs: T0 + 3_599_999 },
} satisfies Record<string, AlarmCommand>;
type Name = keyof typeof cmd;

const fresh = () => newAlarm({ id: 'mask-line/pms-01/0.5@1', key: 'mask-line/pms-01/0.5', kind: 'excursion', roomId: 'mask-line', counterId: 'pms-01', channel: '0.5', severity: 'alert', raisedAt: T0 });

/** Alarms in every state, reached only through legal commands. */
const STATES = {
  normal: [],
  'active-unacknowledged': ['raise'],
  'active-acknowledged': ['raise', 'ack'],
  'active-acknowledged at action': ['raiseAction', 'ack'],
  'cleared-unacknowledged': ['raise', 'clear'],
  'shelved, condition active': ['raise', 'shelve'],
  'shelved, condition clear': ['raise', 'shelve', 'clear'],
} satisfies Record<string, Name[]>;
type Start = keyof typeof STATES;

function alarmIn(start: Start): AlarmInstance {
  return deepFreeze(STATES[start].reduce<AlarmInstance>((alarm, name: Name) => stepAlarm(alarm, cmd[name]).alarm, fresh()));
}

describe('legal transitions', () => {
  it.each<[Start, Name, AlarmState, boolean]>([
    ['normal', 'raise', 'active-unacknowledged', false],
    ['active-unacknowledged', 'clear', 'cleared-unacknowledged', false],
    ['active-unacknowledged', 'escalate', 'active-unacknowledged', false],
    ['active-unacknowledged', 'ack', 'active-acknowledged', false],
    ['active-unacknowledged', 'shelve', 'shelved', false],
    ['active-acknowledged', 'clear', 'normal', false],
    ['active-acknowledged', 'escalate', 'active-unacknowledged', false],
    ['active-acknowledged at action', 'deescalate', 'active-acknowledged', false],
    ['active-acknowledged', 'shelve', 'shelved', false],
    ['cleared-unacknowledged', 'raise', 'active-unacknowledged', false],
    ['cleared-unacknowledged', 'ack', 'normal', false],
    ['cleared-unacknowledged', 'shelve', 'shelved', false],
    ['shelved, condition active', 'clear', 'shelved', true],
    ['shelved, condition active', 'escalate', 'shelved', true],
    ['shelved, condition clear', 'raise', 'shelved', true],
    ['shelved, condition active', 'unshelve', 'active-unacknowledged', false],
    ['shelved, condition clear', 'unshelve', 'normal', false],
    ['shelved, condition active', 'expire', 'active-unacknowledged', false],
    ['shelved, condition clear', 'expire', 'normal', false],
  ])('%s --%s--> %s (suppressed: %s)', (start, name, to, suppressed) => {
    const before = alarmIn(start);
    const { alarm, transitions } = stepAlarm(before, cmd[name]);
    expect(alarm.state).toBe(to);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ alarmId: before.id, from: before.state, to, severity: alarm.severity, suppressed });
  });
});

describe('illegal transitions', () => {
  it.each<[Start, Name]>([
    ['normal', 'clear'],
    ['normal', 'escalate'],
    ['normal', 'ack'],
    ['normal', 'shelve'],
    ['normal', 'unshelve'],
    ['normal', 'expire'],
    ['active-unacknowledged', 'raise'],
    ['active-unacknowledged', 'unshelve'],
    ['active-unacknowledged', 'expire'],
    ['active-unacknowledged', 'deescalate'],
    ['active-acknowledged', 'raise'],
    ['active-acknowledged', 'ack'],
    ['active-acknowledged', 'unshelve'],
    ['cleared-unacknowledged', 'clear'],
    ['cleared-unacknowledged', 'escalate'],
    ['cleared-unacknowledged', 'unshelve'],
    ['shelved, condition active', 'raise'],
    ['shelved, condition active', 'ack'],
    ['shelved, condition active', 'shelve'],
    ['shelved, condition active', 'expireEarly'],
    ['shelved, condition clear', 'clear'],
    ['shelved, condition clear', 'escalate'],
    ['shelved, condition clear', 'ack'],
  ])('%s refuses %s with ILLEGAL_TRANSITION', (start, name) => {
    const before = alarmIn(start);
    expect(() => stepAlarm(before, cmd[name])).toThrow(AlarmTransitionError);
    expect(() => stepAlarm(before, cmd[name])).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION', alarmId: before.id, state: before.state }));
  });

  it.each<[string, AlarmCommand, string]>([
    ['an acknowledgement without a comment', { ...cmd.ack, comment: '   ' }, 'COMMENT_REQUIRED'],
    ['an acknowledgement without an actor', { ...cmd.ack, actor: '' }, 'ACTOR_REQUIRED'],
    ['a shelve without a comment', { ...cmd.shelve, comment: '' }, 'COMMENT_REQUIRED'],
    ['a shelve that expires when it starts', { ...cmd.shelve, untilMs: cmd.shelve.atMs }, 'SHELVE_EXPIRY_INVALID'],
  ])('refuses %s with %s', (_what, command, code) => {
    expect(() => stepAlarm(alarmIn('active-unacknowledged'), command)).toThrow(expect.objectContaining({ code }));
  });
});

describe('what the alarm and its record carry', () => {
  it('records who, when, why, from, to and severity of an acknowledgement, trimming the comment', () => {
    const { alarm, transitions } = stepAlarm(alarmIn('active-unacknowledged'), { ...cmd.ack, comment: '  door left open  ' });
    expect(alarm).toMatchObject({ acknowledgedAt: T0 + 1, acknowledgedBy: 'operator.lin', acknowledgeComment: 'door left open' });
    expect(transitions).toEqual([
      {
        alarmId: 'mask-line/pms-01/0.5@1',
        key: 'mask-line/pms-01/0.5',
        kind: 'excursion',
        atMs: T0 + 1,
        actor: 'operator.lin',
        comment: 'door left open',
        cause: 'acknowledged',
        from: 'active-unacknowledged',
        to: 'active-acknowledged',
        severity: 'alert',
        conditionActive: true,
        suppressed: false,
        conditionAtMs: null,
        concentrationPerM3: null,
        levelPerM3: 2_464_000,
      },
    ]);
  });

  it('records condition changes as the system, with the sample time and concentration', () => {
    const { transitions } = stepAlarm(fresh(), cmd.raise);
    expect(transitions[0]).toMatchObject({ actor: 'system', comment: null, cause: 'raised', conditionAtMs: T0, concentrationPerM3: 3_600_000, levelPerM3: 2_464_000 });
  });

  it('asks for a new acknowledgement after an escalation, forgetting the old one on the alarm', () => {
    const { alarm } = stepAlarm(alarmIn('active-acknowledged'), cmd.escalate);
    expect(alarm).toMatchObject({ state: 'active-unacknowledged', severity: 'action', levelPerM3: 3_520_000, acknowledgedAt: null, acknowledgedBy: null });
  });

  it('keeps the shelve details only while shelved', () => {
    const shelved = alarmIn('shelved, condition active');
    expect(shelved).toMatchObject({ shelvedAt: T0 + 2, shelvedBy: 'supervisor.chen', shelveComment: 'filter change in progress', shelvedUntil: T0 + 3_600_000 });
    expect(stepAlarm(shelved, cmd.unshelve).alarm).toMatchObject({ shelvedAt: null, shelvedBy: null, shelveComment: null, shelvedUntil: null });
  });

  it('tracks the condition while shelved and records the expiry as the system', () => {
    const shelved = alarmIn('shelved, condition clear');
    expect(shelved).toMatchObject({ state: 'shelved', conditionActive: false, clearedAt: T0 });
    expect(stepAlarm(shelved, cmd.expire).transitions[0]).toMatchObject({ actor: 'system', cause: 'shelve-expired', from: 'shelved', to: 'normal' });
  });

  it('a cleared-unacknowledged alarm that comes back keeps its identity and forgets when it cleared', () => {
    const { alarm } = stepAlarm(alarmIn('cleared-unacknowledged'), { ...cmd.raiseAction, atMs: T0 + 10 });
    expect(alarm).toMatchObject({ id: 'mask-line/pms-01/0.5@1', raisedAt: T0, clearedAt: null, severity: 'action', state: 'active-unacknowledged' });
  });
});
