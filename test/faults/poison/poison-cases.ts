// The named poison messages of the fault-tolerance issue, each with the outcome the message contract
// requires: malformed JSON, wrong types, NaN/Infinity, payloads at the size limit, deep nesting, invalid UTF-8.
import type { DeadLetterReason } from '../../../core/domain/dead-letter.ts';
import { counterTopic, meterTopic } from '../../../core/domain/messages/topics.ts';
import type { FuzzCase, FuzzDevices } from './payload-fuzzer.ts';

/** Pads a JSON object with a trailing string field until it is exactly `bytes` long. */
export function paddedTo(bytes: number, body: Record<string, unknown>): Buffer {
  const open = JSON.stringify({ ...body, pad: '' });
  const padding = bytes - Buffer.byteLength(open);
  if (padding < 0) throw new Error(`cannot pad ${open} to ${bytes} bytes`);
  return Buffer.from(JSON.stringify({ ...body, pad: 'p'.repeat(padding) }));
}

const deepArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number): string => '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);

/** Times from startMs on, one second apart, for the accepted ones. */
export function namedPoisonCases(devices: FuzzDevices, limitBytes: number, startMs: number): FuzzCase[] {
  const meterId = devices.meters[0]!;
  const meter = meterTopic(meterId);
  const { roomId, counterId } = devices.counters[0]!;
  const counter = counterTopic(roomId, counterId);
  let t = startMs;
  const cases: FuzzCase[] = [];
  const add = (label: string, topic: string, payload: Buffer | string, outcome: DeadLetterReason | { readings: number; tsMs: number[]; refused?: DeadLetterReason[] }): void => {
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const device = topic === meter ? `meter/${meterId}` : `pms/${roomId}/${counterId}`;
    const expected =
      typeof outcome === 'string'
        ? { readings: [], refused: [outcome] }
        : { readings: outcome.tsMs.map((tsMs) => ({ deviceKey: device, tsMs })), refused: outcome.refused ?? [] };
    cases.push({ index: -1 - cases.length, topic, payload: bytes, labels: [label], ...expected });
  };
  const ts = (): number => (t += 1000);

  add('malformed JSON: unterminated object', meter, `{"ts":${ts()},"flow_m3h":12.5,`, 'invalid_json');
  add('malformed JSON: unquoted keys', meter, `{ts:${ts()},flow_m3h:12.5}`, 'invalid_json');
  add('malformed JSON: single quotes', counter, `{'volume_l':28.3,'counts':{'0.5':1}}`, 'invalid_json');
  add('malformed JSON: two documents', meter, `{"flow_m3h":1}{"flow_m3h":2}`, 'invalid_json');
  add('wrong type: flow as string', meter, JSON.stringify({ ts: ts(), flow_m3h: '12.5' }), 'schema_violation');
  add('wrong type: counts as array', counter, JSON.stringify({ ts: ts(), volume_l: 28.3, counts: [1, 2] }), 'schema_violation');
  add('wrong type: ts as epoch string', meter, JSON.stringify({ ts: String(ts()), flow_m3h: 1 }), 'schema_violation');
  add('wrong type: whole payload a number', meter, '42', 'schema_violation');
  add('NaN literal', meter, `{"ts":${ts()},"flow_m3h":NaN}`, 'invalid_json');
  add('Infinity literal', counter, `{"ts":${ts()},"volume_l":Infinity,"counts":{"0.5":1}}`, 'invalid_json');
  add('-Infinity literal', meter, `{"ts":${ts()},"flow_m3h":1,"totalizer_m3":-Infinity}`, 'invalid_json');
  add('Infinity by overflow (1e999)', meter, `{"ts":${ts()},"flow_m3h":1e999}`, 'schema_violation');
  const atLimit = ts();
  add(`exactly ${limitBytes} bytes (the ingest limit MAX_PAYLOAD_BYTES)`, meter, paddedTo(limitBytes, { ts: atLimit, flow_m3h: 1 }), { readings: 1, tsMs: [atLimit] });
  add(`${limitBytes + 1} bytes, one over the limit`, meter, paddedTo(limitBytes + 1, { ts: ts(), flow_m3h: 1 }), 'payload_too_large');
  add('1 MiB (the broker takes it, ingest must not)', meter, paddedTo(1024 * 1024, { ts: ts(), flow_m3h: 1 }), 'payload_too_large');
  add('deep nesting: 32,000 nested arrays', meter, deepArrays(32_000), 'schema_violation');
  add('deep nesting: 10,000 nested objects', counter, deepObjects(10_000), 'schema_violation');
  const deepButFine = ts();
  add('deep nesting in an ignored extra field', meter, `{"ts":${deepButFine},"flow_m3h":1,"x":${deepArrays(30_000)}}`, { readings: 1, tsMs: [deepButFine] });
  const beside = ts();
  add('deep nesting as a backlog element beside a valid one', meter, `[{"ts":${beside},"flow_m3h":2},${deepObjects(10_000)}]`, { readings: 1, tsMs: [beside], refused: ['schema_violation'] });
  const refusedDeep = ts();
  add('a refused backlog element with a deep extra field', meter, `[{"ts":${refusedDeep},"flow_m3h":-1,"x":${deepArrays(30_000)}}]`, { readings: 0, tsMs: [], refused: ['schema_violation'] });
  add('invalid UTF-8: 0xFF in a string', meter, Buffer.concat([Buffer.from(`{"ts":${ts()},"flow_m3h":1,"note":"`), Buffer.from([0xff]), Buffer.from('"}')]), 'invalid_utf8');
  add('invalid UTF-8: overlong "/"', counter, Buffer.concat([Buffer.from('{"volume_l":28.3,"counts":{"0.5":1},"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 'invalid_utf8');
  add('invalid UTF-8: truncated 3-byte character', meter, Buffer.concat([Buffer.from(`{"ts":${ts()},"flow_m3h":1,"x":"`), Buffer.from([0xe6, 0xbd]), Buffer.from('"}')]), 'invalid_utf8');
  add('invalid UTF-8: UTF-16LE payload with its BOM', meter, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`{"flow_m3h":1}`, 'utf16le')]), 'invalid_utf8');
  return cases;
}
