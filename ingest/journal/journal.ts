// Write-ahead journal: ingest appends every accepted message here before it acknowledges the MQTT
// PUBLISH, and independent cursors (store writer, live publisher) drain it, each advancing its own
// checkpoint only after its sink accepted the records. Appends are synchronous writes into the
// kernel's page cache (they survive SIGKILL); the fsync policy decides what survives a power cut.
import fs from 'node:fs';
import { JournalCursor } from './journal-cursor.ts';
import { encodeRecords, type JournalRecord } from './journal-record.ts';
import { RecentAppends, type RecentRecords } from './recent-appends.ts';
import { listSegments, segmentFile, truncateTornTail, type Segment } from './segment-files.ts';

/**
 * Records kept in memory for cursors that keep up: several store batches in flight plus the turns
 * taken in meanwhile while a broker backlog drains (the store ran 6,000–12,000 records behind the
 * intake in a traced drain). 32,768 raised the RSS growth of a 60 s store outage to +38 MB (target
 * ≤ 20); this gave +12.
 */
const RECENT_RECORDS_MAX = 16_384;

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface JournalOptions {
  readonly dir: string;
  /** Unconsumed bytes beyond which the journal reports no space: ingest then stops acknowledging. */
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  /** One cursor per consumer; a segment is deleted once every cursor has passed it. */
  readonly cursorNames: readonly string[];
}

export class Journal {
  private readonly segments: Segment[];
  private readonly cursors = new Map<string, JournalCursor>();
  private readonly appendListeners = new Set<() => void>();
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly recent = new RecentAppends(RECENT_RECORDS_MAX);
  private writeFd: number;
  private activeSegmentSize: number;
  private end: number;
  private dirty = false;
  private fsyncTimer: NodeJS.Timeout | undefined;

  static open(options: JournalOptions): Journal {
    fs.mkdirSync(options.dir, { recursive: true });
    return new Journal(options);
  }

  private constructor(private readonly options: JournalOptions) {
    this.segments = listSegments(options.dir);
    if (this.segments.length === 0) this.segments.push({ baseOffset: 0, file: segmentFile(options.dir, 0) });
    const active = this.segments.at(-1)!;
    this.activeSegmentSize = fs.existsSync(active.file) ? truncateTornTail(active.file) : 0;
    this.end = active.baseOffset + this.activeSegmentSize;
    this.writeFd = fs.openSync(active.file, 'a');
    for (const name of options.cursorNames) {
      this.cursors.set(name, new JournalCursor({ name, journal: this, dir: options.dir, durable: options.fsync === 'always' }));
    }
    if (options.fsync === 'interval') {
      this.fsyncTimer = setInterval(() => this.syncIfDirty(), options.fsyncIntervalMs);
      this.fsyncTimer.unref();
    }
  }

  /** Appends records durably enough to acknowledge them (see the fsync policy). */
  append(records: readonly JournalRecord[]): void {
    if (records.length === 0) return;
    const { bytes, lineEnds } = encodeRecords(records);
    if (this.activeSegmentSize > 0 && this.activeSegmentSize + bytes.length > this.options.segmentBytes) this.rotate();
    try {
      writeFully(this.writeFd, bytes);
    } catch (error) {
      // A partial write (disk full) must not stay: the next append would land after torn bytes.
      fs.ftruncateSync(this.writeFd, this.activeSegmentSize);
      throw error;
    }
    this.recent.add(this.end, lineEnds, records);
    this.activeSegmentSize += bytes.length;
    this.end += bytes.length;
    if (this.options.fsync === 'always') fs.fdatasyncSync(this.writeFd);
    else this.dirty = true;
    for (const listener of this.appendListeners) listener();
  }

  cursor(name: string): JournalCursor {
    const cursor = this.cursors.get(name);
    if (!cursor) throw new Error(`journal has no cursor "${name}"`);
    return cursor;
  }

  get endPosition(): number {
    return this.end;
  }

  get startPosition(): number {
    return this.segments[0]!.baseOffset;
  }

  /** Bytes not yet consumed by the slowest cursor. */
  get pendingBytes(): number {
    return this.end - this.slowestCommitted();
  }

  hasSpace(): boolean {
    return this.pendingBytes < this.options.maxBytes;
  }

  /** Resolves once a cursor commit has freed space (immediately when there is some). */
  waitForSpace(): Promise<void> {
    if (this.hasSpace()) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Records appended from position on, still in memory (undefined: read the file). */
  recentFrom(position: number, maxRecords: number): RecentRecords | undefined {
    return this.recent.from(position, maxRecords);
  }

  /** Called by cursors after a read: frees the in-memory records every cursor has read past. */
  cursorRead(): void {
    let slowest = this.end;
    for (const cursor of this.cursors.values()) slowest = Math.min(slowest, cursor.readPosition);
    this.recent.dropBefore(slowest);
  }

  /** The segment holding a position, and where that segment's readable bytes end. */
  segmentAt(position: number): { segment: Segment; endOffset: number } | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i]!;
      if (segment.baseOffset <= position) {
        const next = this.segments[i + 1];
        return { segment, endOffset: next ? next.baseOffset : this.end };
      }
    }
    return undefined;
  }

  /** Called by cursors after a commit: drop fully consumed segments, wake writers waiting for space. */
  committed(): void {
    const slowest = this.slowestCommitted();
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= slowest) {
      const done = this.segments.shift()!;
      for (const cursor of this.cursors.values()) cursor.forget(done);
      fs.rmSync(done.file, { force: true });
    }
    while (this.spaceWaiters.length > 0 && this.hasSpace()) this.spaceWaiters.shift()!();
  }

  close(): void {
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    this.appendListeners.clear();
    if (this.options.fsync !== 'never') fs.fdatasyncSync(this.writeFd);
    fs.closeSync(this.writeFd);
    for (const cursor of this.cursors.values()) cursor.close();
  }

  private rotate(): void {
    if (this.options.fsync !== 'never') fs.fdatasyncSync(this.writeFd);
    fs.closeSync(this.writeFd);
    const segment = { baseOffset: this.end, file: segmentFile(this.options.dir, this.end) };
    this.segments.push(segment);
    this.writeFd = fs.openSync(segment.file, 'a');
    this.activeSegmentSize = 0;
    this.dirty = false;
  }

  private syncIfDirty(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fs.fdatasync(this.writeFd, () => {});
  }

  private slowestCommitted(): number {
    let slowest = this.end;
    for (const cursor of this.cursors.values()) slowest = Math.min(slowest, cursor.committedPosition);
    return slowest;
  }
}

function writeFully(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
}
