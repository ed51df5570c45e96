// One device-payload object as the fuzzer builds it: ordered raw JSON fields (so a key can repeat or a
// value be NaN), what the validator must make of it, and the valid meter/particle object it starts as.
import type { Rng } from '../../../simulators/random.ts';

export type ElementOutcome = 'ok' | 'schema_violation' | 'future_timestamp';

export interface ElementDraft {
  readonly kind: 'meter' | 'particle';
  /** [raw JSON key with its quotes, raw JSON value]; serialised in this order. */
  fields: Array<[string, string]>;
  outcome: ElementOutcome;
  /** The reading's time when accepted; undefined: the receive time (no ts field). */
  tsMs: number | undefined;
  readonly labels: string[];
  /** Spell the required keys with a \\u escape when serialised (same key once parsed). */
  escapedKeys?: boolean;
}

/** Hands out timestamps no other fuzz case uses, so each accepted reading has its own store identity. */
export interface TimeAllocator {
  /** A time in the run's own past window (unique to the ms). */
  normal(): number;
  /** A time between 2000-01-01 and 2000-12-31 (unique): far past but plausible. */
  farPast(): number;
  /** Ahead of the clock but well inside the allowed skew (unique). */
  nearFuture(): number;
  /** Further ahead than the allowed skew. */
  farFuture(): number;
}

export function timeAllocator(o: { startMs: number; clock: () => number; maxFutureSkewMs: number; rng: Rng }): TimeAllocator {
  let normal = 0;
  let past = 0;
  let lastNearFuture = 0;
  // The ms part varies so ISO fractions are exercised; whole seconds keep every case apart.
  return {
    normal: () => o.startMs + normal++ * 1000 + o.rng.int(1000),
    farPast: () => Date.UTC(2000, 0, 1) + past++ * 97 + o.rng.int(97),
    nearFuture: () => {
      lastNearFuture = Math.max(lastNearFuture + 1, o.clock() + Math.floor(o.maxFutureSkewMs / 5));
      return lastNearFuture;
    },
    farFuture: () => o.clock() + o.maxFutureSkewMs * 12 + o.rng.int(1e12),
  };
}

export const key = (name: string): string => JSON.stringify(name);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;

/** A decimal that JSON.parse reads back as itself. */
function decimal(rng: Rng, max: number, places: number): string {
  return String(Number((rng.next() * max).toFixed(places)));
}

export function tsText(rng: Rng, tsMs: number): string {
  return rng.chance(0.6) ? String(tsMs) : JSON.stringify(isoWithOffset(rng, tsMs));
}

const OFFSETS_MIN = [0, 0, 480, -300, 330, 345, -570, 840, -720, 59, -59];

/** tsMs as ISO 8601 with a random offset and 3–9 fraction digits (beyond ms: zeros, never read). */
export function isoWithOffset(rng: Rng, tsMs: number): string {
  const offsetMin = pick(rng, OFFSETS_MIN);
  const local = new Date(tsMs + offsetMin * 60_000).toISOString().slice(0, 23);
  const extra = '0'.repeat(rng.int(7));
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const zone = offsetMin === 0 && rng.chance(0.7) ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${extra}${zone}`;
}

export function meterDraft(rng: Rng, tsMs: number | undefined): ElementDraft {
  const fields: Array<[string, string]> = [];
  if (tsMs !== undefined) fields.push([key('ts'), tsText(rng, tsMs)]);
  fields.push([key('flow_m3h'), decimal(rng, 2000, rng.int(5))]);
  if (rng.chance(0.7)) fields.push([key('totalizer_m3'), decimal(rng, 1e8, 3)]);
  if (rng.chance(0.5)) fields.push([key('quality'), JSON.stringify(pick(rng, ['good', 'uncertain', 'bad']))]);
  if (rng.chance(0.7)) fields.push([key('seq'), String(rng.int(1e9))]);
  return { kind: 'meter', fields, outcome: 'ok', tsMs, labels: [] };
}

export function particleDraft(rng: Rng, tsMs: number | undefined): ElementDraft {
  const fields: Array<[string, string]> = [];
  if (tsMs !== undefined) fields.push([key('ts'), tsText(rng, tsMs)]);
  fields.push([key('volume_l'), String(Number((1 + rng.next() * 100).toFixed(rng.int(4))))]);
  const channels = ['0.3', '0.5', '1.0', '5.0'].filter(() => rng.chance(0.7));
  if (channels.length === 0) channels.push('0.5');
  fields.push([key('counts'), `{${channels.map((c) => `${key(c)}:${rng.int(1e6)}`).join(',')}}`]);
  if (rng.chance(0.7)) fields.push([key('seq'), String(rng.int(1e9))]);
  return { kind: 'particle', fields, outcome: 'ok', tsMs, labels: [] };
}

const ESCAPED_KEYS: Readonly<Record<string, string>> = { '"flow_m3h"': '"flow\\u005fm3h"', '"volume_l"': '"vol\\u0075me_l"' };

export function serialiseDraft(draft: ElementDraft, rng: Rng): string {
  const sep = rng.chance(0.9) ? '' : pick(rng, [' ', '\n', '\t', ' \r\n ']);
  const spell = (k: string): string => (draft.escapedKeys ? (ESCAPED_KEYS[k] ?? k) : k);
  return `{${sep}${draft.fields.map(([k, v]) => `${spell(k)}${sep}:${sep}${v}`).join(`,${sep}`)}${sep}}`;
}

export function fieldIndex(draft: ElementDraft, name: string): number {
  return draft.fields.findIndex(([k]) => k === key(name));
}

/** Replaces every occurrence (a duplicate left behind would win, JSON.parse keeping the last). */
export function setField(draft: ElementDraft, name: string, raw: string): void {
  const i = fieldIndex(draft, name);
  dropField(draft, name);
  draft.fields.splice(i >= 0 ? i : draft.fields.length, 0, [key(name), raw]);
}

export function dropField(draft: ElementDraft, name: string): void {
  draft.fields = draft.fields.filter(([k]) => k !== key(name));
}

export function renameField(draft: ElementDraft, name: string, to: string): void {
  draft.fields = draft.fields.map(([k, v]) => (k === key(name) ? [key(to), v] : [k, v]));
}

/** Marks a draft refused; a refusal never turns back into acceptance. */
export function refuse(draft: ElementDraft, outcome: Exclude<ElementOutcome, 'ok'>): void {
  if (draft.outcome === 'ok' || (draft.outcome === 'future_timestamp' && outcome === 'schema_violation')) draft.outcome = outcome;
}

/** JSON nested `depth` levels deep: arrays or single-key objects. */
export function deepJson(depth: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(depth) + '0' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}
