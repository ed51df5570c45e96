// InfluxQL result rows → domain objects, exactly as they were written: optional fields absent when
// the column is null, counts only for channels present. Pure; throws on rows of another shape.
import { DEAD_LETTER_REASONS, DEAD_LETTER_STATUSES, type DeadLetter } from '../../domain/dead-letter.ts';
import { METER_ROLES, QUALITIES, SIZE_CHANNELS, type MeterReading, type ParticleSample, type SizeChannel } from '../../domain/readings.ts';
import type { SegmentMethod } from '../../domain/water/meter-volume.ts';
import type { MeterRollup } from '../../domain/water/rollup.ts';
import type { FlowBucket, RecordedMeterReplacement, RollupSum } from '../../ports/telemetry-store.ts';
import type { InfluxqlSeries } from './influxql.ts';
import {
  countField,
  DEAD_LETTER_FIELDS as DF,
  DEAD_LETTER_TAGS,
  METER_FIELDS as MF,
  METER_TAGS,
  PARTICLE_FIELDS as PF,
  PARTICLE_TAGS,
  REPLACEMENT_FIELDS as RF,
  REPLACEMENT_TAGS,
  ROLLUP_FIELDS as UF,
  ROLLUP_TAGS,
} from './schema.ts';

/** Every SegmentMethod (a Record, so the compiler flags one added to the domain but missing here). */
const SEGMENT_METHODS: Readonly<Record<SegmentMethod, true>> = {
  totalizer: true,
  rollover: true,
  replacement: true,
  unexplained_reset: true,
  integrated_flow: true,
};
const ROLLUP_PERIODS = ['hour', 'day'] as const;

/** One result row by column name; group-by tags are merged in. */
export type Row = Readonly<Record<string, unknown>>;

export function rowsOf(series: InfluxqlSeries): Row[] {
  return series.values.map((values) => {
    const row: Record<string, unknown> = { ...series.tags };
    series.columns.forEach((column, i) => {
      row[column] = values[i];
    });
    return row;
  });
}

export function meterReadingFromRow(row: Row): MeterReading {
  const totalizerM3 = optionalNumber(row, MF.totalizer);
  const seq = optionalInteger(row, MF.seq);
  return {
    kind: 'meter',
    meterId: tag(row, METER_TAGS.meter),
    role: oneOf(row, METER_TAGS.role, METER_ROLES),
    zone: tag(row, METER_TAGS.zone),
    tsMs: integer(row, 'time'),
    flowM3PerHour: number(row, MF.flow),
    ...(totalizerM3 === undefined ? {} : { totalizerM3 }),
    quality: oneOf(row, MF.quality, QUALITIES),
    ...(seq === undefined ? {} : { seq }),
  };
}

export function particleSampleFromRow(row: Row): ParticleSample {
  const counts: Partial<Record<SizeChannel, number>> = {};
  for (const channel of SIZE_CHANNELS) {
    const count = optionalInteger(row, countField(channel));
    if (count !== undefined) counts[channel] = count;
  }
  const seq = optionalInteger(row, PF.seq);
  return {
    kind: 'particle',
    roomId: tag(row, PARTICLE_TAGS.room),
    counterId: tag(row, PARTICLE_TAGS.counter),
    tsMs: integer(row, 'time'),
    volumeLitres: number(row, PF.volume),
    counts,
    ...(seq === undefined ? {} : { seq }),
  };
}

/** Expects RFC 3339 times (a query without `epoch`): epoch numbers above 2^53 ns lose digits in JSON. */
export function deadLetterFromRow(row: Row): DeadLetter {
  return {
    id: nsFromRfc3339(string(row, 'time')),
    receivedAtMs: integer(row, DF.receivedAtMs),
    topic: string(row, DF.topic),
    reason: oneOf(row, DEAD_LETTER_TAGS.reason, DEAD_LETTER_REASONS),
    detail: string(row, DF.detail),
    payload: string(row, DF.payload),
    payloadEncoding: oneOf(row, DF.payloadEncoding, ['utf8', 'base64'] as const),
    payloadBytes: integer(row, DF.payloadBytes),
    truncated: boolean(row, DF.truncated),
    status: oneOf(row, DF.status, DEAD_LETTER_STATUSES),
  };
}

export function flowBucketFromRow(row: Row): FlowBucket {
  return {
    startMs: integer(row, 'time'),
    meanFlowM3PerHour: number(row, 'mean'),
    lastTotalizerM3: optionalNumber(row, 'last') ?? null,
    readingCount: integer(row, 'count'),
  };
}

export function rollupFromRow(row: Row): MeterRollup {
  return {
    period: oneOf(row, ROLLUP_TAGS.period, ROLLUP_PERIODS),
    meterId: tag(row, ROLLUP_TAGS.meter),
    role: oneOf(row, ROLLUP_TAGS.role, METER_ROLES),
    zone: tag(row, ROLLUP_TAGS.zone),
    startMs: integer(row, 'time'),
    volumeMl: integer(row, UF.volumeMl),
    coveredMs: integer(row, UF.coveredMs),
    methods: methods(row, UF.methods),
    unexplainedResets: integer(row, UF.unexplainedResets),
  };
}

/** The time of a selector's row (latestRollupQuery). */
export function timeFromRow(row: Row): number {
  return integer(row, 'time');
}

/** A row of rollupSumQuery with an aggregate InfluxDB had no value for: a point it saw only in part. */
export function hasNullSum(row: Row): boolean {
  return row[UF.volumeMl] === null || row[UF.coveredMs] === null || row[UF.unexplainedResets] === null;
}

/** A row of rollupSumQuery, grouped by meter. */
export function rollupSumFromRow(row: Row): RollupSum {
  return {
    meterId: tag(row, ROLLUP_TAGS.meter),
    volumeMl: integer(row, UF.volumeMl),
    coveredMs: integer(row, UF.coveredMs),
    rollupCount: integer(row, 'rollup_count'),
    unexplainedResets: integer(row, UF.unexplainedResets),
  };
}

export function replacementFromRow(row: Row): RecordedMeterReplacement {
  return {
    meterId: tag(row, REPLACEMENT_TAGS.meter),
    atMs: integer(row, 'time'),
    oldFinalM3: number(row, RF.oldFinalM3),
    newInitialM3: number(row, RF.newInitialM3),
    recordedAtMs: integer(row, RF.recordedAtMs),
    recordedBy: string(row, RF.recordedBy),
    comment: string(row, RF.comment),
  };
}

const RFC3339_UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** "2021-05-10T00:00:01.000000007Z" → "1620604801000000007", exact (BigInt, no float on the way). */
export function nsFromRfc3339(text: string): string {
  const match = RFC3339_UTC.exec(text);
  const secondsMs = match?.[1] === undefined ? Number.NaN : Date.parse(`${match[1]}Z`);
  if (match === null || Number.isNaN(secondsMs)) throw new Error(`InfluxDB returned time ${JSON.stringify(text)}; expected RFC 3339 UTC`);
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return (BigInt(secondsMs / 1_000) * 1_000_000_000n + fraction).toString();
}

function unexpected(row: Row, key: string, expected: string): Error {
  return new Error(`InfluxDB returned ${key} = ${JSON.stringify(row[key])}; expected ${expected}`);
}

function number(row: Row, key: string): number {
  const value = row[key];
  if (typeof value !== 'number') throw unexpected(row, key, 'a number');
  return value;
}

function optionalNumber(row: Row, key: string): number | undefined {
  return row[key] === null || row[key] === undefined ? undefined : number(row, key);
}

function integer(row: Row, key: string): number {
  const value = number(row, key);
  if (!Number.isSafeInteger(value)) throw unexpected(row, key, 'an integer');
  return value;
}

function optionalInteger(row: Row, key: string): number | undefined {
  return row[key] === null || row[key] === undefined ? undefined : integer(row, key);
}

function string(row: Row, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw unexpected(row, key, 'a string');
  return value;
}

function boolean(row: Row, key: string): boolean {
  const value = row[key];
  if (typeof value !== 'boolean') throw unexpected(row, key, 'a boolean');
  return value;
}

/** A tag written empty was left out of the line; it reads back as null or absent. */
function tag(row: Row, key: string): string {
  return row[key] === null || row[key] === undefined ? '' : string(row, key);
}

function methods(row: Row, key: string): SegmentMethod[] {
  const text = string(row, key);
  if (text === '') return [];
  const parts = text.split(',');
  if (!parts.every(isSegmentMethod)) throw unexpected(row, key, 'comma-separated volume methods');
  return parts;
}

function isSegmentMethod(text: string): text is SegmentMethod {
  return Object.hasOwn(SEGMENT_METHODS, text);
}

function oneOf<T extends string>(row: Row, key: string, allowed: readonly T[]): T {
  const value = row[key];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw unexpected(row, key, `one of ${allowed.join(', ')}`);
  return match;
}
