// InfluxDB line protocol, escaped the way the Go parser of InfluxDB 1.x/2.x reads it back, so tag
// values and string fields round-trip byte for byte. https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/

/** A value the line protocol cannot carry; the reading is refused before it is sent. */
export class LineProtocolError extends Error {
  readonly code = 'LINE_PROTOCOL_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'LineProtocolError';
  }
}

const TAG_SPECIALS = /[, =]/g;
const MEASUREMENT_SPECIALS = /[, ]/g;
const STRING_SPECIALS = /["\\]/g;
const NEEDS_TAG_ESCAPE = /[, =]/;

/** A tag key or value, or a field key. The parser unescapes only `\,` `\=` `\ `; a lone backslash stays literal. */
export function escapeKeyOrTagValue(text: string, what: string): string {
  if (text.includes('\n')) throw new LineProtocolError(`${what} cannot contain a line break in InfluxDB line protocol`);
  // "a\" would read as an escaped separator; the protocol has no way to write a trailing backslash.
  if (text.endsWith('\\')) throw new LineProtocolError(`${what} cannot end with a backslash in InfluxDB line protocol`);
  return NEEDS_TAG_ESCAPE.test(text) ? text.replace(TAG_SPECIALS, (c) => `\\${c}`) : text;
}

export function escapeMeasurement(name: string): string {
  if (name === '' || name.includes('\n') || name.endsWith('\\') || name.startsWith('#')) {
    throw new LineProtocolError(`measurement name ${JSON.stringify(name)} cannot be written in InfluxDB line protocol`);
  }
  return name.replace(MEASUREMENT_SPECIALS, (c) => `\\${c}`);
}

/** A float field value: written without an `i` suffix, so `5` is typed float like `5.5`. */
export function floatValue(value: number, what: string): string {
  if (!Number.isFinite(value)) throw new LineProtocolError(`${what} must be a finite number, got ${value}`);
  return String(value);
}

export function integerValue(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw new LineProtocolError(`${what} must be an integer, got ${value}`);
  return `${value}i`;
}

export function stringValue(value: string): string {
  return `"${value.replace(STRING_SPECIALS, (c) => `\\${c}`)}"`;
}

export function booleanValue(value: boolean): string {
  return value ? 'true' : 'false';
}

/** Epoch ms → the ns timestamp of a line, exactly (no floating-point multiplication). */
export function nsFromMs(tsMs: number, what: string): string {
  if (!Number.isSafeInteger(tsMs)) throw new LineProtocolError(`${what} must be an integer number of milliseconds, got ${tsMs}`);
  return tsMs === 0 ? '0' : `${tsMs}000000`;
}

export type Tags = readonly (readonly [key: string, value: string])[];
/** Field values already formatted with floatValue, integerValue, stringValue or booleanValue. */
export type Fields = readonly (readonly [key: string, formatted: string])[];

/**
 * Measurement and tags, escaped: the series a line belongs to. Tags with an empty value are left
 * out: InfluxDB has no empty tag values, and a missing tag reads back as "" (in results and in
 * `WHERE tag = ''`).
 */
export function seriesKey(measurement: string, tags: Tags): string {
  const parts = [escapeMeasurement(measurement)];
  for (const [key, value] of tags) {
    if (value === '') continue;
    parts.push(',', escapeKeyOrTagValue(key, 'tag key'), '=', escapeKeyOrTagValue(value, `tag ${key}`));
  }
  return parts.join('');
}

/** ` key=` or `,key=` before a field's value, escaped once by callers that write many lines. */
export function fieldPrefix(key: string, first: boolean): string {
  return `${first ? ' ' : ','}${escapeKeyOrTagValue(key, 'field key')}=`;
}

/** One line. */
export function buildLine(measurement: string, tags: Tags, fields: Fields, timeNs: string): string {
  if (fields.length === 0) throw new LineProtocolError('a point needs at least one field');
  // Joined from parts, not grown with +=: V8 keeps a += string as a rope of every piece (≈ 840 bytes
  // for a 146-character line against ≈ 160 flat), and a batch's lines live while its write is out.
  const parts = [seriesKey(measurement, tags)];
  fields.forEach(([key, formatted], index) => parts.push(fieldPrefix(key, index === 0), formatted));
  parts.push(' ', timeNs);
  return parts.join('');
}
