// Mutations of one payload object, each declaring from the message contract (README) alone whether
// the validator must still accept the object or refuse it, and with which reason.
import type { Rng } from '../../../simulators/random.ts';
import { deepJson, dropField, fieldIndex, isoWithOffset, key, refuse, renameField, setField, type ElementDraft, type TimeAllocator } from './element-drafts.ts';

export interface MutationContext {
  readonly rng: Rng;
  readonly times: TimeAllocator;
  /** Whether the draft's time may be replaced (false on the receive-time device, whose drafts carry no ts). */
  readonly timed: boolean;
}

type Mutation = (draft: ElementDraft, ctx: MutationContext) => void;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;
const requiredOf = (d: ElementDraft): string[] => (d.kind === 'meter' ? ['flow_m3h'] : ['volume_l', 'counts']);
const optionalOf = (d: ElementDraft): string[] => (d.kind === 'meter' ? ['totalizer_m3', 'quality', 'seq'] : ['seq']);
const numericOf = (d: ElementDraft): string[] => (d.kind === 'meter' ? ['flow_m3h', 'totalizer_m3', 'seq'] : ['volume_l', 'seq']);

const WRONG_TYPES = ['"12.5"', 'true', 'false', 'null', '[]', '[1]', '{}', '{"value":1}', '""', '"NaN"', '"Infinity"'];
const NON_NUMBERS_FOR_INT = ['1.5', '0.000001', '"7"', 'true', '[7]'];
/** Each reads as a finite non-negative number JSON.parse accepts. */
const ODD_BUT_VALID_NUMBERS = ['0', '-0', '0.0', '1e3', '1E3', '1e+3', '1000e-3', '5.125e2', '1.7976931348623157e308', '123456789012345678901234567890', '4.9e-324'];
const UNKNOWN_KEYS = ['firmware', 'flow_m3h_extra', 'Flow_m3h', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '潔淨室 A', 'm=1,2', 'a"b\\c', '\u0000', '🚰'];
const INVALID_ISO = [
  '2026-11-24T20:00:00',
  '2026-11-24 20:00:00Z',
  '2026-11-24t20:00:00z',
  '2026-11-24T20:00:00+0800',
  '2026-11-24T20:00:00+08',
  '2026-11-24T24:00:00Z',
  '2026-11-24T23:59:60Z',
  '2026-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-24T20:00Z',
  '2026-11-24',
  '+002026-11-24T20:00:00Z',
  '2026-W48-2T20:00:00Z',
  '2026-11-24T20:00:00,5Z',
  'yesterday',
  '',
];

/** Extra JSON values an unknown field may carry (the contract ignores unknown fields). */
function extraValue(rng: Rng): string {
  switch (rng.int(8)) {
    case 0:
      return JSON.stringify('x'.repeat(rng.int(2000)));
    case 1:
      return JSON.stringify('潔淨室 "quoted" \\ back\\slash\n\u0001 ✓'.repeat(1 + rng.int(50)));
    case 2:
      return deepJson(1 + rng.int(3000), rng.chance(0.5));
    case 3:
      return '"\\ud800 lone surrogate \\udfff"';
    case 4:
      return '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    case 5:
      return '1e400';
    case 6:
      return '[1,"two",null,{"three":[3]}]';
    default:
      return String(rng.next());
  }
}

/** Accepted as before: the object still satisfies the contract. */
const NEUTRAL: Mutation[] = [
  (d, { rng }) => {
    const name = pick(rng, optionalOf(d));
    dropField(d, name);
    d.labels.push(`drop optional ${name}`);
  },
  (d, { rng }) => {
    d.fields.splice(rng.int(d.fields.length + 1), 0, [key(pick(rng, UNKNOWN_KEYS)), extraValue(rng)]);
    d.labels.push('extra unknown field');
  },
  (d, { rng }) => {
    // Keys are shuffled, the occurrences of one key keep their order (the last one still wins).
    const keys = [...new Set(d.fields.map(([k]) => k))];
    for (let i = keys.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    d.fields = keys.flatMap((k) => d.fields.filter(([f]) => f === k));
    d.labels.push('fields reordered');
  },
  (d, { rng }) => {
    const i = rng.int(d.fields.length);
    d.fields.splice(i, 0, d.fields[i]!);
    d.labels.push('field duplicated with the same value');
  },
  (d, { rng }) => {
    // JSON.parse keeps the last of duplicate keys: a bad value first is harmless.
    const name = pick(rng, requiredOf(d));
    const i = fieldIndex(d, name);
    d.fields.splice(i, 0, [key(name), pick(rng, WRONG_TYPES)]);
    d.labels.push(`${name} duplicated, bad value first`);
  },
  (d, { rng }) => {
    setField(d, d.kind === 'meter' ? 'flow_m3h' : 'seq', pick(rng, d.kind === 'meter' ? ODD_BUT_VALID_NUMBERS : ['0', '-0', '1e3', '1.0', '9007199254740991']));
    d.labels.push('odd but valid number');
  },
  (d) => {
    d.escapedKeys = true;
    d.labels.push('key spelled with a \\u escape');
  },
  (d, { rng, times, timed }) => {
    if (!timed) return;
    const ts = rng.chance(0.5) ? times.farPast() : times.nearFuture();
    d.tsMs = ts;
    setField(d, 'ts', rng.chance(0.5) ? String(ts) : JSON.stringify(isoWithOffset(rng, ts)));
    d.labels.push('far past (2000) or near future ts');
  },
  (d) => {
    if (d.kind === 'meter') setField(d, 'totalizer_m3', '1e308');
    else setField(d, 'counts', '{"0.3":9007199254740991,"5.0":0}');
    d.labels.push('huge but valid number');
  },
];

/** Refused with schema_violation (or future_timestamp): the object breaks the contract. */
const REFUSING: Mutation[] = [
  (d, { rng }) => {
    const name = pick(rng, requiredOf(d));
    dropField(d, name);
    refuse(d, 'schema_violation');
    d.labels.push(`drop required ${name}`);
  },
  (d, { rng }) => {
    const name = pick(rng, requiredOf(d));
    renameField(d, name, pick(rng, [`${name} `, name.toUpperCase(), `${name}s`, `_${name}`, `$${name}`]));
    refuse(d, 'schema_violation');
    d.labels.push(`rename required ${name}`);
  },
  (d, { rng }) => {
    const name = pick(rng, [...requiredOf(d), ...optionalOf(d), ...(fieldIndex(d, 'ts') >= 0 ? ['ts'] : [])]);
    const wrong = pick(rng, WRONG_TYPES);
    // An empty object is a valid (if channel-less) counts only in shape; refused all the same.
    setField(d, name, name === 'counts' && wrong === '{}' ? '{}' : wrong);
    refuse(d, 'schema_violation');
    d.labels.push(`wrong type ${name}`);
  },
  (d, { rng }) => {
    const name = pick(rng, numericOf(d));
    setField(d, name, pick(rng, ['1e400', '-1e400', '1e309', '9'.repeat(400)]));
    refuse(d, 'schema_violation');
    d.labels.push(`Infinity via overflow in ${name}`);
  },
  (d, { rng }) => {
    const name = pick(rng, numericOf(d));
    setField(d, name, pick(rng, ['-1', '-0.001', '-1e-300', '-5e2']));
    refuse(d, 'schema_violation');
    d.labels.push(`negative ${name}`);
  },
  (d, { rng }) => {
    if (d.kind === 'meter') setField(d, 'seq', pick(rng, ['1e20', '9007199254740993', ...NON_NUMBERS_FOR_INT]));
    else setField(d, 'counts', `{"0.5":${pick(rng, ['1e20', '9007199254740993', ...NON_NUMBERS_FOR_INT, '-1'])}}`);
    refuse(d, 'schema_violation');
    d.labels.push('non-integer or unsafe integer');
  },
  (d, { rng }) => {
    if (d.kind === 'meter') setField(d, 'quality', JSON.stringify(pick(rng, ['GOOD', 'ok', '', 'good ', '__proto__', 'toString', 'unknown'])));
    else setField(d, 'volume_l', pick(rng, ['0', '-0', '0.0', '0e5']));
    refuse(d, 'schema_violation');
    d.labels.push(d.kind === 'meter' ? 'quality not in the enum' : 'zero volume');
  },
  (d, { rng }) => {
    if (d.kind === 'meter') return setField(d, 'quality', 'null'), refuse(d, 'schema_violation'), void d.labels.push('quality null');
    const counts = pick(rng, ['{}', '[]', '{"0.50":1}', '{"10":1}', '{"0.5":1,"__proto__":2}', '{"0.5":1,"constructor":2}', '{"__proto__":{"0.5":1}}', `{"0.5":1,${key('k'.repeat(2000))}:1}`]);
    setField(d, 'counts', counts);
    refuse(d, 'schema_violation');
    d.labels.push('counts with no or unknown channel');
  },
  (d, { rng, times }) => {
    const ts = times.normal();
    const bad = [
      JSON.stringify(String(ts)),
      String(Math.floor(ts / 1000)),
      `${ts}.5`,
      String(-ts),
      '0',
      '946684799999',
      JSON.stringify(pick(rng, INVALID_ISO)),
      JSON.stringify(new Date(Date.UTC(1999, 11, 31, 23, 59, 59)).toISOString()),
      JSON.stringify('0000-01-01T00:00:00Z'),
      JSON.stringify('1970-01-01T00:00:00.000+00:00'),
    ];
    setField(d, 'ts', pick(rng, bad));
    refuse(d, 'schema_violation');
    d.labels.push('bad ts');
  },
  (d, { rng, times }) => {
    const ts = times.farFuture();
    setField(d, 'ts', rng.chance(0.5) || ts > Date.UTC(9999, 0) ? String(ts) : JSON.stringify(isoWithOffset(rng, ts)));
    refuse(d, 'future_timestamp');
    d.labels.push('far future ts');
  },
  (d, { rng }) => {
    // The last duplicate wins: a bad value last is what the validator sees.
    const name = pick(rng, requiredOf(d));
    d.fields.push([key(name), pick(rng, WRONG_TYPES)]);
    refuse(d, 'schema_violation');
    d.labels.push(`${name} duplicated, bad value last`);
  },
];

const FAR_FUTURE = REFUSING.length - 2;

/**
 * Applies up to three mutations, about half of them refusing. Neutral ones go first and a far-future
 * time before any other refusal, so no later mutation can undo an earlier one's verdict.
 */
export function mutateElement(draft: ElementDraft, ctx: MutationContext): void {
  const n = ctx.rng.chance(0.25) ? 0 : 1 + ctx.rng.int(ctx.rng.chance(0.8) ? 1 : 3);
  const neutral: number[] = [];
  const refusing: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ctx.rng.chance(0.5)) neutral.push(ctx.rng.int(NEUTRAL.length));
    else refusing.push(ctx.rng.int(REFUSING.length));
  }
  for (const i of neutral) NEUTRAL[i]!(draft, ctx);
  refusing.sort((a, b) => Number(b === FAR_FUTURE) - Number(a === FAR_FUTURE));
  for (const i of refusing) REFUSING[i]!(draft, ctx);
  if (n === 0) draft.labels.push('valid');
}
