// The session-lost event alarm (MQTT 5 §3.2.2.1.2, 3.1.1 §3.2.2.2): a CONNACK with Session Present 0
// after ingest had been connected means the broker dropped its session and whatever was queued for
// it. The messages are gone whatever happens next, so the alarm does not clear by itself: it stays
// active until acknowledged; a further loss before that repeats it (occurrences counts them).
import { iso, type OpsAlarm, type OpsAlarmChange } from './ops-alarm.ts';

export interface SessionWatch {
  readonly connectedBefore: boolean;
  readonly alarm: OpsAlarm | undefined;
}

export const INITIAL_SESSION_WATCH: SessionWatch = { connectedBefore: false, alarm: undefined };

export function onConnack(watch: SessionWatch, sessionPresent: boolean, nowMs: number, source: string): { watch: SessionWatch; change?: OpsAlarmChange } {
  if (sessionPresent || !watch.connectedBefore) return { watch: { ...watch, connectedBefore: true } };
  const at = iso(nowMs);
  const current = watch.alarm;
  const repeat = current?.active === true;
  const occurrences = repeat ? (current.detail.occurrences ?? 1) + 1 : 1;
  const alarm: OpsAlarm = {
    kind: 'session-lost',
    source,
    active: true,
    raisedAt: repeat ? current.raisedAt : at,
    changedAt: at,
    clearedAt: null,
    message: `the broker had no session for ingest on reconnect${occurrences > 1 ? ` (${occurrences} times)` : ''}: messages queued for it while it was away are lost; ingest resubscribed`,
    detail: { occurrences },
  };
  return { watch: { connectedBefore: true, alarm }, change: { change: repeat ? 'repeated' : 'raised', alarm } };
}

/** An operator acknowledged the loss; undefined change when nothing was active. */
export function acknowledgeSessionLost(watch: SessionWatch, nowMs: number): { watch: SessionWatch; change?: OpsAlarmChange } {
  const current = watch.alarm;
  if (!current?.active) return { watch };
  const at = iso(nowMs);
  const alarm: OpsAlarm = { ...current, active: false, changedAt: at, clearedAt: at, message: 'session loss acknowledged' };
  return { watch: { ...watch, alarm }, change: { change: 'cleared', alarm } };
}
