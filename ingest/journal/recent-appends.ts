// The records of the latest journal appends, kept in memory with the journal positions their lines
// end at: a cursor that keeps up takes them from here instead of reading back and decoding the file
// just written (in a profiled backlog drain, decoding every batch once per cursor cost about as much
// as validating the messages). Bounded by a record count; a cursor that falls further behind reads the
// file as before, and a restart always does.
import type { JournalRecord } from './journal-record.ts';

interface RecentAppend {
  readonly start: number;
  /** Journal position just past each record. */
  readonly ends: readonly number[];
  readonly records: readonly JournalRecord[];
}

export interface RecentRecords {
  readonly records: readonly JournalRecord[];
  /** Journal position just past the last of them. */
  readonly end: number;
}

export class RecentAppends {
  private readonly appends: RecentAppend[] = [];
  private recordCount = 0;

  constructor(private readonly maxRecords: number) {}

  add(start: number, lineEnds: readonly number[], records: readonly JournalRecord[]): void {
    this.appends.push({ start, ends: lineEnds.map((end) => start + end), records });
    this.recordCount += records.length;
    while (this.recordCount > this.maxRecords) this.dropOldest();
  }

  /** Up to maxRecords records starting at position, when position is a record boundary held here. */
  from(position: number, maxRecords: number): RecentRecords | undefined {
    const append = this.appendHolding(position);
    if (!append) return undefined;
    const first = position === append.start ? 0 : indexAfterEnd(append.ends, position);
    if (first < 0) return undefined;
    const last = Math.min(append.records.length, first + maxRecords);
    return { records: append.records.slice(first, last), end: append.ends[last - 1]! };
  }

  /** Forgets the appends every cursor has read past. */
  dropBefore(position: number): void {
    while (this.appends.length > 0 && this.appends[0]!.ends.at(-1)! <= position) this.dropOldest();
  }

  private dropOldest(): void {
    const oldest = this.appends.shift();
    if (oldest) this.recordCount -= oldest.records.length;
  }

  private appendHolding(position: number): RecentAppend | undefined {
    let low = 0;
    let high = this.appends.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const append = this.appends[middle]!;
      if (position < append.start) high = middle - 1;
      else if (position >= append.ends.at(-1)!) low = middle + 1;
      else return append;
    }
    return undefined;
  }
}

/** Index of the record after the one whose line ends exactly at position; -1 when none does. */
function indexAfterEnd(ends: readonly number[], position: number): number {
  let low = 0;
  let high = ends.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const end = ends[middle]!;
    if (end === position) return middle + 1;
    if (end < position) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
