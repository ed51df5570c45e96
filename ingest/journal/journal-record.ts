// What the write-ahead journal holds: one JSON line per accepted reading or dead letter. A torn last
// line (no newline) is an append that never completed, so it was never acknowledged either.
import type { DeadLetter } from '../../core/domain/dead-letter.ts';
import type { Reading } from '../../core/domain/readings.ts';

export type JournalRecord =
  | { readonly t: 'r'; /** receive time, ms */ readonly at: number; readonly r: Reading }
  | { readonly t: 'd'; readonly d: DeadLetter };

const NEWLINE = 0x0a;

export interface EncodedRecords {
  readonly bytes: Buffer;
  /** Byte offset just past each record's line, from the start of bytes. */
  readonly lineEnds: number[];
}

export function encodeRecords(records: readonly JournalRecord[]): EncodedRecords {
  const lines = records.map((record) => JSON.stringify(record) + '\n');
  const text = lines.join('');
  const bytes = Buffer.from(text, 'utf8');
  // All-ASCII text (the usual case) has as many bytes as UTF-16 units: no per-line byte count needed.
  const ascii = bytes.length === text.length;
  const lineEnds: number[] = [];
  let end = 0;
  for (const line of lines) lineEnds.push((end += ascii ? line.length : Buffer.byteLength(line)));
  return { bytes, lineEnds };
}

export interface DecodedChunk {
  readonly records: JournalRecord[];
  /** Bytes of the chunk consumed by complete lines (records and skipped corrupt lines). */
  readonly consumedBytes: number;
  readonly corruptLines: number;
}

/** Decodes complete lines from the start of a chunk, at most maxRecords of them. */
export function decodeRecords(chunk: Buffer, maxRecords: number): DecodedChunk {
  const records: JournalRecord[] = [];
  let start = 0;
  let corruptLines = 0;
  while (records.length < maxRecords) {
    const end = chunk.indexOf(NEWLINE, start);
    if (end < 0) break;
    const record = parseLine(chunk.toString('utf8', start, end));
    if (record) records.push(record);
    else corruptLines++;
    start = end + 1;
  }
  return { records, consumedBytes: start, corruptLines };
}

function parseLine(line: string): JournalRecord | undefined {
  try {
    const value = JSON.parse(line) as JournalRecord;
    return value && (value.t === 'r' || value.t === 'd') ? value : undefined;
  } catch {
    return undefined;
  }
}
