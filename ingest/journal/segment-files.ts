// Journal segment files: `{baseOffset}.seg`, where baseOffset is the journal-wide byte position of
// the segment's first byte, so a position maps to a file without an index (as Kafka's log does).
import fs from 'node:fs';
import path from 'node:path';

const SUFFIX = '.seg';
const DIGITS = 16;

export interface Segment {
  readonly baseOffset: number;
  readonly file: string;
}

export function segmentFile(dir: string, baseOffset: number): string {
  return path.join(dir, String(baseOffset).padStart(DIGITS, '0') + SUFFIX);
}

export function listSegments(dir: string): Segment[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => ({ baseOffset: Number(name.slice(0, -SUFFIX.length)), file: path.join(dir, name) }))
    .filter((s) => Number.isSafeInteger(s.baseOffset))
    .sort((a, b) => a.baseOffset - b.baseOffset);
}

/** Cuts a torn tail (bytes after the last newline) off a segment; returns its new size. */
export function truncateTornTail(file: string): number {
  const size = fs.statSync(file).size;
  if (size === 0) return 0;
  const fd = fs.openSync(file, 'r+');
  try {
    const window = Buffer.alloc(Math.min(size, 1 << 20));
    let end = size;
    while (end > 0) {
      const from = Math.max(0, end - window.length);
      fs.readSync(fd, window, 0, end - from, from);
      const lastNewline = window.subarray(0, end - from).lastIndexOf(0x0a);
      if (lastNewline >= 0) {
        const keep = from + lastNewline + 1;
        if (keep < size) fs.ftruncateSync(fd, keep);
        return keep;
      }
      end = from;
    }
    fs.ftruncateSync(fd, 0);
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** Atomically replaces a small file (checkpoints): write aside, then rename over. */
export function writeFileAtomic(file: string, content: string, durable: boolean): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, content);
    if (durable) fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}
