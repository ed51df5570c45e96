// The port the cleanroom alarm manager persists through: alarm records, their ISA-18.2 audit trail and
// the engine snapshot a restart resumes from. Adapters: SQLite and InfluxDB; test/contract runs both.
import type { AlarmInstance, AlarmTransition } from '../domain/cleanroom/alarm-types.ts';
import type { CleanroomSnapshot } from '../domain/cleanroom/engine-snapshot.ts';
import type { TimeRange } from './telemetry-store.ts';

/** What one engine call (or one serialised batch of them) changed, as EngineResult reports it. */
export interface AlarmChange {
  /** Every alarm the call touched, as it is now; each transition's alarm must be among them. */
  readonly alarms: readonly AlarmInstance[];
  /** In the order the engine made them. */
  readonly transitions: readonly AlarmTransition[];
  /** The engine state after the call. */
  readonly snapshot: CleanroomSnapshot;
}

/** 'active': every state but normal, i.e. still needing attention (unacknowledged, acknowledged, shelved). */
export type AlarmListState = 'active' | 'all';

export interface AlarmListQuery {
  readonly state: AlarmListState;
  readonly roomId?: string;
  /** On raisedAt, half-open. */
  readonly range?: TimeRange;
  /** The first `limit` alarms in list order; default all. */
  readonly limit?: number;
}

export interface TransitionListQuery {
  readonly alarmId?: string;
  readonly roomId?: string;
  /** On atMs, half-open. */
  readonly range?: TimeRange;
  /** The first `limit` transitions in list order (the oldest); default all. */
  readonly limit?: number;
}

export interface AlarmStore {
  /** Creates the schema / checks the server answers; StoreUnavailableError when it cannot. */
  start(): Promise<void>;
  close(): Promise<void>;

  /**
   * Upserts the alarms by id, appends the transitions and replaces the snapshot: one transaction
   * where the backend has them (SQLite), one write request otherwise (InfluxDB).
   *
   * Idempotent: saving the same change again (a retry after a failure or crash) adds nothing. A
   * transition's identity is its alarm, atMs, cause, from, to and conditionAtMs, plus its position
   * among identical ones in the change; the domain has no per-alarm sequence number yet.
   * Transient failures throw StoreUnavailableError: nothing may be assumed saved, retry the change.
   */
  saveChanges(change: AlarmChange): Promise<void>;
  /** The snapshot of the last saved change, validated (restore() accepts it); undefined before the first. */
  loadSnapshot(): Promise<CleanroomSnapshot | undefined>;

  getAlarm(alarmId: string): Promise<AlarmInstance | undefined>;
  /** Newest raisedAt first; alarms raised at the same time in no promised order. */
  listAlarms(query: AlarmListQuery): Promise<AlarmInstance[]>;
  /** Ascending by atMs, then in the order they were saved. */
  listTransitions(query: TransitionListQuery): Promise<AlarmTransition[]>;
}
