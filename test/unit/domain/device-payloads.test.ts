// The quick payload checks: they accept the common well-formed payload as the schemas would output
// it and leave everything else to the schemas (undefined), never accepting what the schemas refuse.
import { describe, expect, it } from 'vitest';
import { meterPayloadSchema, particlePayloadSchema, quickMeterPayload, quickParticlePayload } from '../../../core/domain/messages/device-payloads.ts';

const TS = Date.UTC(2026, 10, 24, 12);
const json = (text: string): unknown => JSON.parse(text);

describe('quickMeterPayload', () => {
  it('accepts a well-formed reading as the schema outputs it, defaulting quality and dropping unknown fields', () => {
    const body = { ts: TS, flow_m3h: 512.5, totalizer_m3: 1234.125, seq: 7, firmware: '2.1' };
    expect(quickMeterPayload(body)).toEqual(meterPayloadSchema.parse(body));
    expect(quickMeterPayload(body)).toEqual({ ts: TS, flow_m3h: 512.5, totalizer_m3: 1234.125, quality: 'good', seq: 7 });
    expect(quickMeterPayload({ flow_m3h: 0, quality: 'bad' })).toEqual({ flow_m3h: 0, quality: 'bad' });
  });

  it.each([
    ['an ISO ts (the schema checks its format)', { ts: '2026-11-24T20:00:00+08:00', flow_m3h: 1 }],
    ['epoch seconds', { ts: Math.floor(TS / 1000), flow_m3h: 1 }],
    ['a fractional ts', { ts: TS + 0.5, flow_m3h: 1 }],
    ['a negative flow', { ts: TS, flow_m3h: -1 }],
    ['flow as a string', { ts: TS, flow_m3h: '1' }],
    ['an overflowing number (JSON 1e400 is Infinity)', json('{"flow_m3h": 1e400}')],
    ['an unknown quality', { flow_m3h: 1, quality: 'great' }],
    ['a null totalizer', { flow_m3h: 1, totalizer_m3: null }],
    ['a fractional seq', { flow_m3h: 1, seq: 1.5 }],
    ['a seq beyond 2^53', { flow_m3h: 1, seq: 2 ** 53 }],
    ['an array', [{ flow_m3h: 1 }]],
    ['null', null],
  ])('leaves %s to the schema', (_, body) => {
    expect(quickMeterPayload(body)).toBeUndefined();
  });
});

describe('quickParticlePayload', () => {
  it('accepts a well-formed sample with a subset of channels as the schema outputs it', () => {
    const body = { ts: TS, volume_l: 28.3, counts: { '0.5': 1200, '5.0': 0 }, seq: 3, note: 'x' };
    expect(quickParticlePayload(body)).toEqual(particlePayloadSchema.parse(body));
    expect(quickParticlePayload(body)).toEqual({ ts: TS, volume_l: 28.3, counts: { '0.5': 1200, '5.0': 0 }, seq: 3 });
  });

  it.each([
    ['a zero volume', { volume_l: 0, counts: { '0.5': 1 } }],
    ['no channel', { volume_l: 28.3, counts: {} }],
    ['an unknown channel', { volume_l: 28.3, counts: { '0.5': 1, '2.5': 1 } }],
    ['an own __proto__ channel', json('{"volume_l": 28.3, "counts": {"0.5": 1, "__proto__": 1}}')],
    ['a fractional count', { volume_l: 28.3, counts: { '0.5': 1.5 } }],
    ['a negative count', { volume_l: 28.3, counts: { '0.5': -1 } }],
    ['counts as an array', { volume_l: 28.3, counts: [1] }],
    ['an ISO ts', { ts: '2026-11-24T12:00:00Z', volume_l: 28.3, counts: { '0.5': 1 } }],
  ])('leaves %s to the schema', (_, body) => {
    expect(quickParticlePayload(body)).toBeUndefined();
  });
});
