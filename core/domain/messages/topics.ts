// MQTT topic grammar shared by devices, simulators, ingest, the engines and tests: one typed map from
// topic to payload so publisher and consumer cannot drift apart.
import type { MeterPayload, ParticlePayload } from './device-payloads.ts';
import type { Reading } from '../readings.ts';
import type { OpsAlarm, OpsAlarmKind } from '../ops/ops-alarm.ts';

export const METER_TOPIC_FILTER = 'k14/meter/+';
export const COUNTER_TOPIC_FILTER = 'cleanroom/+/pms/+';
/** Validated readings, republished by ingest for the API's engines (only ingest validates). */
export const LIVE_READINGS_TOPIC = 'live/v1/readings';

/** Ingest's operational alarms, one retained message per source (ingest client id) and kind. */
export const OPS_ALARMS_TOPIC_FILTER = 'system/v1/ops-alarms/+/+';
export const opsAlarmTopic = (sourceLevel: string, kind: OpsAlarmKind): string => `system/v1/ops-alarms/${sourceLevel}/${kind}`;

export interface LiveReadingsPayload {
  readonly readings: readonly Reading[];
}

/** Topic → payload, for every topic the system speaks. Device topics also accept an array (a backlog). */
export interface TopicPayloads {
  [METER_TOPIC_FILTER]: MeterPayload | MeterPayload[];
  [COUNTER_TOPIC_FILTER]: ParticlePayload | ParticlePayload[];
  [LIVE_READINGS_TOPIC]: LiveReadingsPayload;
  [OPS_ALARMS_TOPIC_FILTER]: OpsAlarm;
}

export const meterTopic = (meterId: string): string => `k14/meter/${meterId}`;
export const counterTopic = (roomId: string, counterId: string): string => `cleanroom/${roomId}/pms/${counterId}`;

export type DeviceTopic =
  | { readonly kind: 'meter'; readonly meterId: string }
  | { readonly kind: 'particle'; readonly roomId: string; readonly counterId: string };

export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  const levels = topic.split('/');
  if (levels.length === 3 && levels[0] === 'k14' && levels[1] === 'meter' && levels[2]) {
    return { kind: 'meter', meterId: levels[2] };
  }
  if (levels.length === 4 && levels[0] === 'cleanroom' && levels[2] === 'pms' && levels[1] && levels[3]) {
    return { kind: 'particle', roomId: levels[1], counterId: levels[3] };
  }
  return undefined;
}
