// The inverse of validation: a reading as a device would publish it (topic + payload). Used by the
// simulators, the backfill, the load generators and to make store-refused readings replayable.
import type { Reading } from '../readings.ts';
import type { MeterPayload, ParticlePayload } from './device-payloads.ts';
import { counterTopic, meterTopic } from './topics.ts';

export function deviceTopicOf(reading: Reading): string {
  return reading.kind === 'meter' ? meterTopic(reading.meterId) : counterTopic(reading.roomId, reading.counterId);
}

export function devicePayloadOf(reading: Reading): MeterPayload | ParticlePayload {
  if (reading.kind === 'meter') {
    return {
      ts: reading.tsMs,
      flow_m3h: reading.flowM3PerHour,
      ...(reading.totalizerM3 === undefined ? {} : { totalizer_m3: reading.totalizerM3 }),
      quality: reading.quality,
      ...(reading.seq === undefined ? {} : { seq: reading.seq }),
    };
  }
  return {
    ts: reading.tsMs,
    volume_l: reading.volumeLitres,
    counts: { ...reading.counts },
    ...(reading.seq === undefined ? {} : { seq: reading.seq }),
  };
}
