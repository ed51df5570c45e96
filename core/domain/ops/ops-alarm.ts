// Operational alarms of ingest (the pipeline's own health, not the plant's): what is raised, the JSON
// published on system/v1/ops-alarms/{source}/{kind} (retained, QoS 1) and relayed by the API. ISA-18.2
// terms: a condition alarm (store-backlog) clears itself; an event alarm (session-lost) stays until
// an operator acknowledges it.
import { z } from 'zod';

export const OPS_ALARM_KINDS = ['store-backlog', 'session-lost'] as const;
export type OpsAlarmKind = (typeof OPS_ALARM_KINDS)[number];

export const opsAlarmSchema = z.object({
  kind: z.enum(OPS_ALARM_KINDS),
  /** The ingest process that raised it (its MQTT client id). */
  source: z.string().min(1).max(200),
  active: z.boolean(),
  /** ISO 8601: when the current (or last) episode was raised. */
  raisedAt: z.iso.datetime({ offset: true }),
  /** ISO 8601: the last change (raise, repeat, clear or acknowledgement). */
  changedAt: z.iso.datetime({ offset: true }),
  /** ISO 8601 when cleared (condition gone, or acknowledged); null while active. */
  clearedAt: z.iso.datetime({ offset: true }).nullable(),
  message: z.string().max(1000),
  /** Numbers describing the episode: oldestPendingAgeMs / thresholdMs, or occurrences. */
  detail: z.record(z.string(), z.number()),
});

export type OpsAlarm = z.infer<typeof opsAlarmSchema>;

/** A raise or clear, as the manager publishes and logs it. */
export interface OpsAlarmChange {
  readonly change: 'raised' | 'repeated' | 'cleared';
  readonly alarm: OpsAlarm;
}

/** A topic level cannot hold `/`, `+` or `#`; a client id may. */
export function opsSourceLevel(clientId: string): string {
  return clientId.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';
}

export const iso = (ms: number): string => new Date(ms).toISOString();
