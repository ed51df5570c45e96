// An append-only JSON-lines EventLog: one event per line, plus `{"meta":…}` lines for reserved ids and
// the trim horizon. Compacted to the newest `maxEvents` at start and whenever it doubles.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EventLog, LoadedEventLog } from './event-log.ts';
import { eventJson, streamEventSchema, type StreamEvent } from './stream-event.ts';

export interface FileEventLogOptions {
  /** Directory for the log file; created when missing. */
  readonly dir: string;
  readonly fileName?: string;
  /** Events kept when the file is compacted; default 10,000 (the hub's default history). */
  readonly maxEvents?: number;
  /** fsync every write: survives power loss, not only a process restart, at a disk flush per alarm. */
  readonly fsync?: boolean;
}

const metaLine = z.object({
  meta: z.object({ reservedUpTo: z.number().int().nonnegative().optional(), horizon: z.number().int().nonnegative().optional() }),
});

interface Contents extends LoadedEventLog {
  readonly skippedLines: number;
}

export class FileEventLog implements EventLog {
  readonly file: string;
  private readonly maxEvents: number;
  private readonly fsync: boolean;
  private fd: number | undefined;
  private linesSinceCompaction = 0;
  private skipped = 0;

  constructor(options: FileEventLogOptions) {
    this.file = path.join(options.dir, options.fileName ?? 'stream-events.jsonl');
    this.maxEvents = options.maxEvents ?? 10_000;
    this.fsync = options.fsync ?? false;
  }

  /** Lines dropped at start as unreadable (a torn final write after a crash, say). */
  get skippedLines(): number {
    return this.skipped;
  }

  start(): void {
    if (this.fd !== undefined) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.skipped = this.read().skippedLines;
    this.compact();
  }

  stop(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  append(event: StreamEvent): void {
    this.write(eventJson(event));
  }

  reserveIds(upTo: number): void {
    this.write(JSON.stringify({ meta: { reservedUpTo: upTo } }));
  }

  load(limit: number): LoadedEventLog {
    const contents = this.read();
    const events = contents.events.slice(-limit);
    const trimmed = contents.events.length - events.length;
    const horizon = trimmed > 0 ? Math.max(contents.horizon, contents.events[trimmed - 1]!.id) : contents.horizon;
    return { events, highestId: contents.highestId, horizon };
  }

  private write(line: string): void {
    if (this.fd === undefined) throw new Error(`event log ${this.file} is not started`);
    writeSync(this.fd, line + '\n');
    if (this.fsync) fsyncSync(this.fd);
    this.linesSinceCompaction += 1;
    if (this.linesSinceCompaction > this.maxEvents) this.compact();
  }

  // Rewrites the newest events to a temporary file and renames it over the log, so a crash mid-way
  // leaves either the old file or the new one, never half of each.
  private compact(): void {
    const { events, highestId, horizon } = this.load(this.maxEvents);
    const lines = [JSON.stringify({ meta: { reservedUpTo: highestId, horizon } }), ...events.map(eventJson)];
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, lines.join('\n') + '\n', { flush: true });
    this.stop();
    renameSync(temporary, this.file);
    this.fd = openSync(this.file, 'a');
    this.linesSinceCompaction = 0;
  }

  private read(): Contents {
    const events: StreamEvent[] = [];
    let highestId = 0;
    let horizon = 0;
    let skippedLines = 0;
    const text = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const parsed = parseLine(line);
      const lastId = events.at(-1)?.id ?? 0;
      if (parsed === undefined || ('id' in parsed && parsed.id <= lastId)) {
        skippedLines += 1;
      } else if ('meta' in parsed) {
        highestId = Math.max(highestId, parsed.meta.reservedUpTo ?? 0);
        horizon = Math.max(horizon, parsed.meta.horizon ?? 0);
      } else {
        events.push(parsed);
        highestId = Math.max(highestId, parsed.id);
      }
    }
    return { events, highestId, horizon, skippedLines };
  }
}

function parseLine(line: string): StreamEvent | z.infer<typeof metaLine> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const meta = metaLine.safeParse(json);
  if (meta.success) return meta.data;
  const event = streamEventSchema.safeParse(json);
  return event.success ? { ...event.data, data: event.data.data ?? null } : undefined;
}
