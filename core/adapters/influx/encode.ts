// Domain objects → InfluxDB line protocol lines (schema in schema.ts). Pure; throws LineProtocolError
// for a value the protocol cannot carry, so the caller can refuse that one reading.
import type { DeadLetter } from '../../domain/dead-letter.ts';
import { concentrationPerM3, QUALITIES, SIZE_CHANNELS, type MeterReading, type ParticleSample, type Reading } from '../../domain/readings.ts';
import type { MeterRollup } from '../../domain/water/rollup.ts';
import { mlToM3 } from '../../domain/water/volume-units.ts';
import type { RecordedMeterReplacement } from '../../ports/telemetry-store.ts';
import { booleanValue, buildLine, fieldPrefix, floatValue, integerValue, LineProtocolError, nsFromMs, seriesKey, stringValue, type Fields } from './line-protocol.ts';
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

/**
 * Each device's series key (measurement and tags, escaped), built once and reused: a line is written
 * per reading, and a site has hundreds of devices, not millions. A meter's role or zone changing in
 * the site configuration makes a new key. Bounded by the devices the readings come from.
 */
export class SeriesKeys {
  private readonly meters = new Map<string, { readonly role: string; readonly zone: string; readonly key: string }>();
  private readonly counters = new Map<string, Map<string, string>>();

  of(reading: Reading): string {
    return reading.kind === 'meter' ? this.ofMeter(reading) : this.ofCounter(reading);
  }

  private ofMeter({ meterId, role, zone }: MeterReading): string {
    const known = this.meters.get(meterId);
    if (known?.role === role && known.zone === zone) return known.key;
    const key = seriesKey(METER_MEASUREMENT, [
      [METER_TAGS.meter, meterId],
      [METER_TAGS.role, role],
      [METER_TAGS.zone, zone],
    ]);
    this.meters.set(meterId, { role, zone, key });
    return key;
  }

  private ofCounter({ roomId, counterId }: ParticleSample): string {
    let room = this.counters.get(roomId);
    const known = room?.get(counterId);
    if (known !== undefined) return known;
    const key = seriesKey(PARTICLE_MEASUREMENT, [
      [PARTICLE_TAGS.counter, counterId],
      [PARTICLE_TAGS.room, roomId],
    ]);
    if (!room) this.counters.set(roomId, (room = new Map()));
    room.set(counterId, key);
    return key;
  }
}

const FLOW = fieldPrefix(MF.flow, true);
const TOTALIZER = fieldPrefix(MF.totalizer, false);
const QUALITY = fieldPrefix(MF.quality, false);
const QUALITY_VALUES = new Map(QUALITIES.map((quality) => [quality, stringValue(quality)]));
const VOLUME = fieldPrefix(PF.volume, true);
const CHANNEL_FIELDS = SIZE_CHANNELS.map((channel) => ({
  channel,
  count: fieldPrefix(countField(channel), false),
  concentration: fieldPrefix(concentrationField(channel), false),
  what: `counts['${channel}']`,
}));
const SEQ = fieldPrefix(MF.seq, false);

/** A reading's line; seriesKeys reuses device series keys across calls (a store keeps one). */
export function readingLine(reading: Reading, seriesKeys: SeriesKeys = new SeriesKeys()): string {
  // Parts joined once, as in buildLine (a += string stays a rope while its batch is written).
  const parts = [seriesKeys.of(reading)];
  if (reading.kind === 'meter') meterFields(reading, parts);
  else particleFields(reading, parts);
  if (reading.seq !== undefined) parts.push(SEQ, integerValue(reading.seq, 'seq'));
  parts.push(' ', nsFromMs(reading.tsMs, 'tsMs'));
  return parts.join('');
}

function meterFields(reading: MeterReading, parts: string[]): void {
  parts.push(FLOW, floatValue(reading.flowM3PerHour, 'flowM3PerHour'));
  if (reading.totalizerM3 !== undefined) parts.push(TOTALIZER, floatValue(reading.totalizerM3, 'totalizerM3'));
  parts.push(QUALITY, QUALITY_VALUES.get(reading.quality) ?? stringValue(reading.quality));
}

function particleFields(sample: ParticleSample, parts: string[]): void {
  parts.push(VOLUME, floatValue(sample.volumeLitres, 'volumeLitres'));
  for (const { channel, count: countPrefix, concentration: concentrationPrefix, what } of CHANNEL_FIELDS) {
    const count = sample.counts[channel];
    if (count === undefined) continue;
    parts.push(countPrefix, integerValue(count, what));
    const concentration = concentrationPerM3(count, sample.volumeLitres);
    // A zero volume has no concentration; the count itself is still worth keeping.
    if (Number.isFinite(concentration)) parts.push(concentrationPrefix, floatValue(concentration, 'concentration'));
  }
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
