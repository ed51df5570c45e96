// The engine snapshot as InfluxDB string fields: InfluxDB documents string fields up to 64 KB (1.x
// enforces 1 MB from 1.9, 3.x had 64 KB), and a site with many counters outgrows that, so it is split.
import { SNAPSHOT_FIELDS } from './alarm-schema.ts';

/** UTF-16 code units per part: at most 3 UTF-8 bytes each, so a part stays under 60 KB. */
export const SNAPSHOT_PART_UNITS = 20_000;

/** Field names and values: `json` holds the first part, `json_1` … the rest. */
export function snapshotParts(json: string, partUnits = SNAPSHOT_PART_UNITS): [field: string, text: string][] {
  const parts: [string, string][] = [];
  let start = 0;
  do {
    let end = Math.min(json.length, start + partUnits);
    // Never between the two halves of a surrogate pair: each part must be valid UTF-8 on its own.
    if (end < json.length && end - 1 > start && isHighSurrogate(json.charCodeAt(end - 1))) end -= 1;
    parts.push([partField(parts.length), json.slice(start, end)]);
    start = end;
  } while (start < json.length);
  return parts;
}

/** The JSON back from a row holding `parts` and the part fields; fields beyond `parts` are left-overs of a larger snapshot. */
export function joinSnapshotParts(row: Readonly<Record<string, unknown>>): string {
  const count = row[SNAPSHOT_FIELDS.parts];
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) throw new Error(`InfluxDB returned snapshot parts = ${JSON.stringify(count)}`);
  let json = '';
  for (let index = 0; index < count; index += 1) {
    const part = row[partField(index)];
    if (typeof part !== 'string') throw new Error(`InfluxDB returned no snapshot part ${index} of ${count}`);
    json += part;
  }
  return json;
}

function partField(index: number): string {
  return index === 0 ? SNAPSHOT_FIELDS.json : `${SNAPSHOT_FIELDS.json}_${index}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
