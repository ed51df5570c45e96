// AlarmStore.saveChanges on SQLite: alarms upserted, transitions inserted unless their key is
// already there, the snapshot replaced, all in one IMMEDIATE transaction.
import type Database from 'better-sqlite3';
import type { AlarmInstance } from '../../domain/cleanroom/alarm-types.ts';
import { restore, type CleanroomSnapshot } from '../../domain/cleanroom/engine-snapshot.ts';
import type { AlarmChange } from '../../ports/alarm-store.ts';
import { keyTransitions, type KeyedTransition } from '../alarm-records.ts';

export interface AlarmWriter {
  save(change: AlarmChange): void;
  loadSnapshot(): CleanroomSnapshot | undefined;
}

export function prepareAlarmWriter(db: Database.Database): AlarmWriter {
  const upsertAlarm = db.prepare<AlarmRow>(`
    INSERT INTO alarms (id, alarm_key, kind, room_id, counter_id, channel, severity, state, condition_active, raised_at_ms,
                        cleared_at_ms, acknowledged_at_ms, acknowledged_by, shelved_until_ms, peak_per_m3, level_per_m3, json)
    VALUES (@id, @alarm_key, @kind, @room_id, @counter_id, @channel, @severity, @state, @condition_active, @raised_at_ms,
            @cleared_at_ms, @acknowledged_at_ms, @acknowledged_by, @shelved_until_ms, @peak_per_m3, @level_per_m3, @json)
    ON CONFLICT (id) DO UPDATE SET
      severity = excluded.severity, state = excluded.state, condition_active = excluded.condition_active,
      cleared_at_ms = excluded.cleared_at_ms, acknowledged_at_ms = excluded.acknowledged_at_ms,
      acknowledged_by = excluded.acknowledged_by, shelved_until_ms = excluded.shelved_until_ms,
      peak_per_m3 = excluded.peak_per_m3, level_per_m3 = excluded.level_per_m3, json = excluded.json`);
  const insertTransition = db.prepare<TransitionRow>(`
    INSERT INTO alarm_transitions (transition_key, seq, alarm_id, alarm_key, kind, room_id, counter_id, channel, at_ms, cause,
                                   from_state, to_state, severity, actor, comment, suppressed, condition_at_ms,
                                   concentration_per_m3, level_per_m3, json)
    VALUES (@transition_key, @seq, @alarm_id, @alarm_key, @kind, @room_id, @counter_id, @channel, @at_ms, @cause,
            @from_state, @to_state, @severity, @actor, @comment, @suppressed, @condition_at_ms,
            @concentration_per_m3, @level_per_m3, @json)
    ON CONFLICT (transition_key) DO NOTHING`);
  const lastSeq = db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM alarm_transitions');
  const upsertSnapshot = db.prepare<[string]>('INSERT INTO engine_snapshot (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json');
  const selectSnapshot = db.prepare<[], { json: string }>('SELECT json FROM engine_snapshot WHERE id = 1');

  const save = db.transaction((change: AlarmChange, keyed: readonly KeyedTransition[]) => {
    for (const alarm of change.alarms) upsertAlarm.run(alarmRow(alarm));
    let seq = lastSeq.get()?.seq ?? 0;
    for (const entry of keyed) {
      // A key already stored keeps its row and seq; the seq drawn for it is simply skipped.
      seq += 1;
      insertTransition.run(transitionRow(entry, seq));
    }
    upsertSnapshot.run(JSON.stringify(change.snapshot));
  });

  return {
    save(change) {
      // Keyed before the transaction, so a change missing a transition's alarm writes nothing.
      const keyed = keyTransitions(change);
      save.immediate(change, keyed);
    },
    loadSnapshot() {
      const row = selectSnapshot.get();
      return row === undefined ? undefined : restore(JSON.parse(row.json));
    },
  };
}

interface AlarmRow {
  readonly id: string;
  readonly alarm_key: string;
  readonly kind: string;
  readonly room_id: string;
  readonly counter_id: string;
  readonly channel: string | null;
  readonly severity: string;
  readonly state: string;
  readonly condition_active: number;
  readonly raised_at_ms: number;
  readonly cleared_at_ms: number | null;
  readonly acknowledged_at_ms: number | null;
  readonly acknowledged_by: string | null;
  readonly shelved_until_ms: number | null;
  readonly peak_per_m3: number | null;
  readonly level_per_m3: number | null;
  readonly json: string;
}

function alarmRow(alarm: AlarmInstance): AlarmRow {
  return {
    id: alarm.id,
    alarm_key: alarm.key,
    kind: alarm.kind,
    room_id: alarm.roomId,
    counter_id: alarm.counterId,
    channel: alarm.channel,
    severity: alarm.severity,
    state: alarm.state,
    condition_active: alarm.conditionActive ? 1 : 0,
    raised_at_ms: alarm.raisedAt,
    cleared_at_ms: alarm.clearedAt,
    acknowledged_at_ms: alarm.acknowledgedAt,
    acknowledged_by: alarm.acknowledgedBy,
    shelved_until_ms: alarm.shelvedUntil,
    peak_per_m3: alarm.peakPerM3,
    level_per_m3: alarm.levelPerM3,
    json: JSON.stringify(alarm),
  };
}

interface TransitionRow {
  readonly transition_key: string;
  readonly seq: number;
  readonly alarm_id: string;
  readonly alarm_key: string;
  readonly kind: string;
  readonly room_id: string;
  readonly counter_id: string;
  readonly channel: string | null;
  readonly at_ms: number;
  readonly cause: string;
  readonly from_state: string;
  readonly to_state: string;
  readonly severity: string;
  readonly actor: string;
  readonly comment: string | null;
  readonly suppressed: number;
  readonly condition_at_ms: number | null;
  readonly concentration_per_m3: number | null;
  readonly level_per_m3: number | null;
  readonly json: string;
}

function transitionRow({ key, transition: t, alarm }: KeyedTransition, seq: number): TransitionRow {
  return {
    transition_key: key,
    seq,
    alarm_id: t.alarmId,
    alarm_key: t.key,
    kind: t.kind,
    room_id: alarm.roomId,
    counter_id: alarm.counterId,
    channel: alarm.channel,
    at_ms: t.atMs,
    cause: t.cause,
    from_state: t.from,
    to_state: t.to,
    severity: t.severity,
    actor: t.actor,
    comment: t.comment,
    suppressed: t.suppressed ? 1 : 0,
    condition_at_ms: t.conditionAtMs,
    concentration_per_m3: t.concentrationPerM3,
    level_per_m3: t.levelPerM3,
    json: JSON.stringify(t),
  };
}
