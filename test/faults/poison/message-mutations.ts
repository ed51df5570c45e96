// Whole-message mutations: bytes that are not UTF-8, text that is not JSON, JSON that is no payload,
// deep nesting, payloads padded to the size limit. A quarter of the fuzzed messages get one.
import type { Rng } from '../../../simulators/random.ts';
import { deepJson, key, refuse, serialiseDraft, type ElementDraft } from './element-drafts.ts';

/** A fault that refuses the message as one part (the raw payload), before any object is looked at. */
export type MessageFault = 'invalid_utf8' | 'invalid_json' | 'schema_violation';

export interface MessageInput {
  readonly drafts: ElementDraft[];
  readonly isArray: boolean;
  readonly limitBytes: number;
}

export interface MutatedMessage {
  readonly payload: Buffer;
  readonly fault?: MessageFault;
  readonly labels: string[];
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Never valid UTF-8 wherever they land: bytes UTF-8 never uses, an overlong '/', a UTF-16 surrogate. */
const INVALID_UTF8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];
const BAD_LITERALS = ['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '01', '+1', '.5', '1.', "'single'", '"raw\u0001control"', '"raw\nbreak"', '--1', '1e', 'nul'];

function serialise(rng: Rng, input: MessageInput, overrides: ReadonlyMap<number, string> = new Map()): string {
  const parts = input.drafts.map((d, i) => overrides.get(i) ?? serialiseDraft(d, rng));
  return input.isArray ? `[${parts.join(',')}]` : parts[0]!;
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

type Mutation = (rng: Rng, input: MessageInput) => MutatedMessage;

const MUTATIONS: Mutation[] = [
  (rng, input) => ({ payload: Buffer.concat([BOM, text(serialise(rng, input))]), labels: ['UTF-8 BOM'] }),
  (rng, input) => ({ payload: Buffer.concat([BOM, BOM, text(serialise(rng, input))]), fault: 'invalid_json', labels: ['two BOMs'] }),
  (rng, input) => {
    const whole = text(serialise(rng, input));
    const at = rng.int(whole.length);
    // A cut inside a multi-byte character leaves bytes that are not UTF-8 before they are not JSON.
    const midCharacter = at > 0 && (whole[at]! & 0xc0) === 0x80;
    return { payload: whole.subarray(0, at), fault: midCharacter ? 'invalid_utf8' : 'invalid_json', labels: [`truncated at ${at}/${whole.length}`] };
  },
  (rng, input) => {
    const whole = text(serialise(rng, input));
    const at = rng.int(whole.length + 1);
    return { payload: Buffer.concat([whole.subarray(0, at), Buffer.from(pick(rng, INVALID_UTF8)), whole.subarray(at)]), fault: 'invalid_utf8', labels: ['invalid UTF-8 bytes'] };
  },
  (rng, input) => {
    const draft = pick(rng, input.drafts);
    const field = draft.fields[rng.int(draft.fields.length)];
    if (field) field[1] = pick(rng, BAD_LITERALS);
    else draft.fields.push([key('x'), 'NaN']);
    return { payload: text(serialise(rng, input)), fault: 'invalid_json', labels: [`literal ${field?.[1] ?? 'NaN'}`] };
  },
  (rng, input) => {
    const whole = serialise(rng, input);
    const broken = pick(rng, [
      `${whole.slice(0, -1)},${whole.slice(-1)}`,
      `/* firmware 1.2 */${whole}`,
      `${whole}}`,
      `${whole}${whole}`,
      `${whole.slice(0, 1)}\u00a0${whole.slice(1)}`,
      whole.replace('"', ''),
    ]);
    return { payload: text(broken), fault: 'invalid_json', labels: ['broken JSON structure'] };
  },
  (rng) => ({ payload: text(pick(rng, ['', ' ', '\n', '\t\r\n'])), fault: 'invalid_json', labels: ['empty or blank payload'] }),
  (rng) => ({ payload: text(pick(rng, ['null', '1', '"x"', 'true', '{}', '-0', '"{\\"flow_m3h\\":1}"'])), fault: 'schema_violation', labels: ['JSON but not an object'] }),
  () => ({ payload: text('[]'), fault: 'schema_violation', labels: ['empty array'] }),
  (rng) => {
    const depth = pick(rng, [2, 100, 1000, 5000, 10_000, 20_000, 32_000, 40_000]);
    const objects = rng.chance(0.3);
    return { payload: text(deepJson(depth, objects)), fault: 'schema_violation', labels: [`nested ${depth} deep (${objects ? 'objects' : 'arrays'})`] };
  },
  (rng, input) => {
    if (!input.isArray) return { payload: text(serialise(rng, input)), labels: [] };
    const i = rng.int(input.drafts.length);
    refuse(input.drafts[i]!, 'schema_violation');
    const raw = pick(rng, ['null', '1', '"x"', '[]', '[{"flow_m3h":1}]', deepJson(1 + rng.int(30_000), rng.chance(0.5))]);
    return { payload: text(serialise(rng, input, new Map([[i, raw]]))), labels: [`element ${i} not an object`] };
  },
  (rng, input) => {
    const depth = 1 + rng.int(30_000);
    pick(rng, input.drafts).fields.push([key('nested'), deepJson(depth, rng.chance(0.5))]);
    return { payload: text(serialise(rng, input)), labels: [`extra field nested ${depth} deep`] };
  },
  (rng, input) => {
    const whole = text(serialise(rng, input));
    const target = input.limitBytes + (rng.chance(0.5) ? 0 : 1);
    const padding = Math.max(0, target - whole.length);
    return { payload: Buffer.concat([whole, Buffer.alloc(padding, 0x20)]), labels: [`padded with whitespace to ${whole.length + padding} bytes`] };
  },
  (rng, input) => {
    const length = 10_000 + rng.int(60_000);
    const char = pick(rng, ['x', 'é', '潔', '🚰', '\u2028', '\\"', '\\\\', '\\u0000']);
    pick(rng, input.drafts).fields.push([key('note'), `"${char.repeat(Math.ceil(length / char.length))}"`]);
    return { payload: text(serialise(rng, input)), labels: [`huge string of ${JSON.stringify(char)}`] };
  },
  (rng) => {
    const garbage = Buffer.from(Array.from({ length: 1 + rng.int(2000) }, () => rng.int(256)));
    garbage[rng.int(garbage.length)] = 0xff;
    return { payload: garbage, fault: 'invalid_utf8', labels: ['binary garbage'] };
  },
];

export function mutateMessage(rng: Rng, input: MessageInput): MutatedMessage {
  if (rng.chance(0.75)) return { payload: text(serialise(rng, input)), labels: [] };
  return MUTATIONS[rng.int(MUTATIONS.length)]!(rng, input);
}
