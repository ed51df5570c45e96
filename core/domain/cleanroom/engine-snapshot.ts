// Snapshot and restore of the cleanroom engine state: plain JSON out, validated on the way back in,
// since a persisted snapshot is a boundary like any other input.
import { z } from 'zod';
import { SIZE_CHANNELS } from '../readings.ts';
import { ALARM_KINDS, ALARM_SEVERITIES, ALARM_STATES, type AlarmInstance } from './alarm-types.ts';
import type { CleanroomEngineState, CounterState } from './cleanroom-engine.ts';
import type { ChannelDetectorState } from './excursion-detector.ts';

const severity = z.enum(ALARM_SEVERITIES);
const channel = z.enum(SIZE_CHANNELS);
const ms = z.number().finite();
const nullableMs = ms.nullable();

const detectorSchema: z.ZodType<ChannelDetectorState> = z.strictObject({
  recentPerM3: z.array(z.number().finite()),
  active: severity.nullable(),
  peakPerM3: z.number().finite().nullable(),
  belowClearCount: z.int().min(0),
  belowActionCount: z.int().min(0),
});

const counterSchema: z.ZodType<CounterState> = z.strictObject({
  roomId: z.string(),
  counterId: z.string(),
  lastTsMs: nullableMs,
  lastReceivedAtMs: nullableMs,
  watchSinceMs: ms,
  detectors: z.partialRecord(channel, detectorSchema),
  latest: z.partialRecord(channel, z.strictObject({ perM3: z.number().finite(), tsMs: ms })),
});

/** An alarm as persisted: shared by the snapshot and the alarm stores' records. */
export const alarmSchema: z.ZodType<AlarmInstance> = z.strictObject({
  id: z.string().min(1),
  key: z.string().min(1),
  kind: z.enum(ALARM_KINDS),
  roomId: z.string(),
  counterId: z.string(),
  channel: channel.nullable(),
  severity,
  state: z.enum(ALARM_STATES),
  conditionActive: z.boolean(),
  raisedAt: ms,
  clearedAt: nullableMs,
  acknowledgedAt: nullableMs,
  acknowledgedBy: z.string().nullable(),
  acknowledgeComment: z.string().nullable(),
  shelvedAt: nullableMs,
  shelvedBy: z.string().nullable(),
  shelveComment: z.string().nullable(),
  shelvedUntil: nullableMs,
  peakPerM3: z.number().finite().nullable(),
  levelPerM3: z.number().finite().nullable(),
});

const stateSchema = z
  .strictObject({ version: z.literal(1), counters: z.record(z.string(), counterSchema), alarms: z.record(z.string(), alarmSchema) })
  .superRefine((state, ctx) => {
    for (const [key, alarm] of Object.entries(state.alarms)) {
      if (alarm.key !== key) ctx.addIssue({ code: 'custom', path: ['alarms', key, 'key'], message: `alarm filed under "${key}" has key "${alarm.key}"` });
      if (alarm.state === 'normal') ctx.addIssue({ code: 'custom', path: ['alarms', key, 'state'], message: 'a closed (normal) alarm cannot be open' });
    }
  });

/** The JSON form of the engine state; `JSON.stringify` of it is what a store persists. */
export type CleanroomSnapshot = CleanroomEngineState;

export class SnapshotError extends Error {
  readonly code = 'SNAPSHOT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** A deep, detached copy: later changes to either side never show in the other. */
export function snapshot(state: CleanroomEngineState): CleanroomSnapshot {
  return JSON.parse(JSON.stringify(state)) as CleanroomSnapshot;
}

/** The engine state from a snapshot (already parsed from JSON); every problem reported at once. */
export function restore(data: unknown): CleanroomEngineState {
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new SnapshotError(`invalid cleanroom engine snapshot: ${problems.join('; ')}`);
  }
  return parsed.data;
}
