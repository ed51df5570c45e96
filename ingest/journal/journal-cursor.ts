// One consumer's view of the journal: reads ahead from its position, and persists a checkpoint only
// when told the records up to a position are safely handed on. After a crash it resumes from there.
import fs from 'node:fs';
import path from 'node:path';
import { decodeRecords, type JournalRecord } from './journal-record.ts';
import type { Journal } from './journal.ts';
import { writeFileAtomic, type Segment } from './segment-files.ts';

const CHUNK_BYTES = 1 << 20;
/**
 * Without fsync=always, a checkpoint is written at most this often: the live cursor commits every
 * few records under load, and a file write + rename per commit was the largest cost of a flood.
 * After a crash the cursor resumes at most this much earlier, i.e. redelivers (at least once, as
 * ever); nothing is skipped, since segments are deleted by the commits in memory.
 */
const CHECKPOINT_EVERY_MS = 50;

export interface CursorBatch {
  readonly records: JournalRecord[];
  /** Commit this position once the batch is handed on. */
  readonly endPosition: number;
  readonly corruptLines: number;
}

interface CursorOptions {
  readonly name: string;
  readonly journal: Journal;
  readonly dir: string;
  readonly durable: boolean;
}

export class JournalCursor {
  readonly name: string;
  private readonly checkpointFile: string;
  private committed: number;
  private nextRead: number;
  private readonly readFds = new Map<string, number>();
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private savedPosition: number;
  private lastSaveMs = 0;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CursorOptions) {
    this.name = options.name;
    this.checkpointFile = path.join(options.dir, `cursor-${options.name}.json`);
    const saved = readCheckpoint(this.checkpointFile);
    const { journal } = options;
    this.committed = Math.min(Math.max(saved ?? journal.startPosition, journal.startPosition), journal.endPosition);
    this.nextRead = this.committed;
    this.savedPosition = this.committed;
  }

  get committedPosition(): number {
    return this.committed;
  }

  /** Where the next read starts. */
  get readPosition(): number {
    return this.nextRead;
  }

  /** Bytes appended but not yet committed by this cursor. */
  get lagBytes(): number {
    return this.options.journal.endPosition - this.committed;
  }

  /** Bytes appended but not yet read by this cursor. */
  get unreadBytes(): number {
    return this.options.journal.endPosition - this.nextRead;
  }

  hasUnread(): boolean {
    return this.nextRead < this.options.journal.endPosition;
  }

  /** Reads up to maxRecords complete records after the last read (empty when caught up). */
  read(maxRecords: number): CursorBatch {
    const records: JournalRecord[] = [];
    let corruptLines = 0;
    while (records.length < maxRecords && this.hasUnread()) {
      const recent = this.options.journal.recentFrom(this.nextRead, maxRecords - records.length);
      if (recent) {
        for (const record of recent.records) records.push(record);
        this.nextRead = recent.end;
        continue;
      }
      const decoded = decodeRecords(this.readChunk(), maxRecords - records.length);
      if (decoded.consumedBytes === 0) break; // a line still being written; never happens with sync appends
      for (const record of decoded.records) records.push(record);
      corruptLines += decoded.corruptLines;
      this.nextRead += decoded.consumedBytes;
    }
    this.options.journal.cursorRead();
    return { records, endPosition: this.nextRead, corruptLines };
  }

  /** Reads again from the last commit (the sink failed; the batch will be retried). */
  rewind(): void {
    this.nextRead = this.committed;
  }

  commit(position: number): void {
    if (position <= this.committed) return;
    this.committed = position;
    const now = Date.now();
    if (this.options.durable || now - this.lastSaveMs >= CHECKPOINT_EVERY_MS) this.saveCheckpoint(now);
    else this.saveTimer ??= setTimeout(() => this.saveCheckpoint(Date.now()), CHECKPOINT_EVERY_MS).unref();
    this.options.journal.committed();
  }

  /** The journal deleted a segment this cursor had open. */
  forget(segment: Segment): void {
    const fd = this.readFds.get(segment.file);
    if (fd !== undefined) fs.closeSync(fd);
    this.readFds.delete(segment.file);
  }

  close(): void {
    this.saveCheckpoint(Date.now());
    for (const fd of this.readFds.values()) fs.closeSync(fd);
    this.readFds.clear();
  }

  private saveCheckpoint(nowMs: number): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.lastSaveMs = nowMs;
    if (this.savedPosition === this.committed) return;
    writeFileAtomic(this.checkpointFile, JSON.stringify({ position: this.committed }), this.options.durable);
    this.savedPosition = this.committed;
  }

  /** The file's bytes from the read position on, up to a chunk, within one segment. */
  private readChunk(): Buffer {
    const located = this.options.journal.segmentAt(this.nextRead)!;
    const length = Math.min(CHUNK_BYTES, located.endOffset - this.nextRead);
    const got = fs.readSync(this.fdFor(located.segment), this.chunk, 0, length, this.nextRead - located.segment.baseOffset);
    return this.chunk.subarray(0, got);
  }

  private fdFor(segment: Segment): number {
    let fd = this.readFds.get(segment.file);
    if (fd === undefined) {
      fd = fs.openSync(segment.file, 'r');
      this.readFds.set(segment.file, fd);
    }
    return fd;
  }
}

function readCheckpoint(file: string): number | undefined {
  try {
    const { position } = JSON.parse(fs.readFileSync(file, 'utf8')) as { position?: unknown };
    return typeof position === 'number' && Number.isSafeInteger(position) && position >= 0 ? position : undefined;
  } catch {
    return undefined;
  }
}
