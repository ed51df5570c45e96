// Reads a stopped ingest's journal from disk: where it ends and where each cursor's checkpoint is,
// so a scenario can tell "drained" (store checkpoint at the end) from "checkpointed with a backlog".
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface JournalState {
  readonly endPosition: number;
  readonly storeCheckpoint: number;
  /** Bytes appended but not yet written to the store: replayed at the next start. */
  readonly storeBacklogBytes: number;
}

export function readJournalState(dataDir: string): JournalState {
  const dir = path.join(dataDir, 'journal');
  const segments = readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .map((name) => ({ base: Number(name.slice(0, -4)), size: statSync(path.join(dir, name)).size }))
    .sort((a, b) => a.base - b.base);
  const last = segments.at(-1);
  const endPosition = last ? last.base + last.size : 0;
  let storeCheckpoint = 0;
  try {
    storeCheckpoint = (JSON.parse(readFileSync(path.join(dir, 'cursor-store.json'), 'utf8')) as { position: number }).position;
  } catch {
    storeCheckpoint = segments[0]?.base ?? 0;
  }
  return { endPosition, storeCheckpoint, storeBacklogBytes: endPosition - storeCheckpoint };
}
