// Domain objects → InfluxDB line protocol lines (schema in schema.ts). Pure; throws LineProtocolError
// for a value the protocol cannot carry, so the caller can refuse that one reading.
import type { DeadLetter } from '../../domain/dead-letter.ts';
import { concentrationPerM3, SIZE_CHANNELS, type MeterReading, type ParticleSample, type Reading } from '../../domain/readings.ts';
import type { MeterRollup } from '../../domain/water/rollup.ts';
import { mlToM3 } from '../../domain/water/volume-units.ts';
import type { RecordedMeterReplacement } from '../../ports/telemetry-store.ts';
import { booleanValue, buildLine, floatValue, integerValue, LineProtocolError, nsFromMs, stringValue, type Fields } from './line-protocol.ts';
import {
  concentrationField,
  countField,
  DEAD_LETTER_FIELDS as DF,
  DEAD_LETTER_MEASUREMENT,
  DEAD_LETTER_TAGS,
  METER_FIELDS as MF,
  METER_MEASUREMENT,
  METER_TAGS,
  PARTICLE_FIELDS as PF,
  PARTICLE_MEASUREMENT,
  PARTICLE_TAGS,
  REPLACEMENT_FIELDS as RF,
  REPLACEMENT_MEASUREMENT,
  REPLACEMENT_TAGS,
  ROLLUP_FIELDS as UF,
  ROLLUP_MEASUREMENT,
  ROLLUP_TAGS,
} from './schema.ts';

const DECIMAL_NS = /^-?(0|[1-9][0-9]*)$/;

export function readingLine(reading: Reading): string {
  return reading.kind === 'meter' ? meterLine(reading) : particleLine(reading);
}

function meterLine(reading: MeterReading): string {
  const fields: [string, string][] = [[MF.flow, floatValue(reading.flowM3PerHour, 'flowM3PerHour')]];
  if (reading.totalizerM3 !== undefined) fields.push([MF.totalizer, floatValue(reading.totalizerM3, 'totalizerM3')]);
  fields.push([MF.quality, stringValue(reading.quality)]);
  if (reading.seq !== undefined) fields.push([MF.seq, integerValue(reading.seq, 'seq')]);
  const tags = [
    [METER_TAGS.meter, reading.meterId],
    [METER_TAGS.role, reading.role],
    [METER_TAGS.zone, reading.zone],
  ] as const;
  return buildLine(METER_MEASUREMENT, tags, fields, nsFromMs(reading.tsMs, 'tsMs'));
}

function particleLine(sample: ParticleSample): string {
  const fields: [string, string][] = [[PF.volume, floatValue(sample.volumeLitres, 'volumeLitres')]];
  for (const channel of SIZE_CHANNELS) {
    const count = sample.counts[channel];
    if (count === undefined) continue;
    fields.push([countField(channel), integerValue(count, `counts['${channel}']`)]);
    const concentration = concentrationPerM3(count, sample.volumeLitres);
    // A zero volume has no concentration; the count itself is still worth keeping.
    if (Number.isFinite(concentration)) fields.push([concentrationField(channel), floatValue(concentration, 'concentration')]);
  }
  if (sample.seq !== undefined) fields.push([PF.seq, integerValue(sample.seq, 'seq')]);
  const tags = [
    [PARTICLE_TAGS.counter, sample.counterId],
    [PARTICLE_TAGS.room, sample.roomId],
  ] as const;
  return buildLine(PARTICLE_MEASUREMENT, tags, fields, nsFromMs(sample.tsMs, 'tsMs'));
}

/** A dead letter's id is its time in ns, so rewriting the same id overwrites the same point. */
export function deadLetterLine(letter: DeadLetter): string {
  if (!DECIMAL_NS.test(letter.id)) throw new LineProtocolError(`dead letter id must be a decimal ns timestamp, got ${JSON.stringify(letter.id)}`);
  const fields: Fields = [
    [DF.topic, stringValue(letter.topic)],
    [DF.detail, stringValue(letter.detail)],
    [DF.payload, stringValue(letter.payload)],
    [DF.payloadEncoding, stringValue(letter.payloadEncoding)],
    [DF.payloadBytes, integerValue(letter.payloadBytes, 'payloadBytes')],
    [DF.truncated, booleanValue(letter.truncated)],
    [DF.status, stringValue(letter.status)],
    [DF.receivedAtMs, integerValue(letter.receivedAtMs, 'receivedAtMs')],
  ];
  return buildLine(DEAD_LETTER_MEASUREMENT, [[DEAD_LETTER_TAGS.reason, letter.reason]], fields, letter.id);
}

/**
 * Time is startMs and the tags hold period and meter, so a re-rolled period overwrites its point;
 * role and zone are tags too, so a meter moved to another zone starts a series of its own.
 */
export function rollupLine(rollup: MeterRollup): string {
  const fields: Fields = [
    [UF.volumeMl, integerValue(rollup.volumeMl, 'volumeMl')],
    [UF.volumeM3, floatValue(mlToM3(rollup.volumeMl), 'volumeM3')],
    [UF.coveredMs, integerValue(rollup.coveredMs, 'coveredMs')],
    [UF.methods, stringValue(rollup.methods.join(','))],
    [UF.unexplainedResets, integerValue(rollup.unexplainedResets, 'unexplainedResets')],
  ];
  const tags = [
    [ROLLUP_TAGS.meter, rollup.meterId],
    [ROLLUP_TAGS.period, rollup.period],
    [ROLLUP_TAGS.role, rollup.role],
    [ROLLUP_TAGS.zone, rollup.zone],
  ] as const;
  return buildLine(ROLLUP_MEASUREMENT, tags, fields, nsFromMs(rollup.startMs, 'startMs'));
}

export function replacementLine(replacement: RecordedMeterReplacement): string {
  const fields: Fields = [
    [RF.oldFinalM3, floatValue(replacement.oldFinalM3, 'oldFinalM3')],
    [RF.newInitialM3, floatValue(replacement.newInitialM3, 'newInitialM3')],
    [RF.recordedAtMs, integerValue(replacement.recordedAtMs, 'recordedAtMs')],
    [RF.recordedBy, stringValue(replacement.recordedBy)],
    [RF.comment, stringValue(replacement.comment)],
  ];
  return buildLine(REPLACEMENT_MEASUREMENT, [[REPLACEMENT_TAGS.meter, replacement.meterId]], fields, nsFromMs(replacement.atMs, 'atMs'));
}
