// Device message validation: plain inputs, the receive time passed in.
import { describe, expect, it } from 'vitest';
import { validateDeviceMessage, type MessageContext } from '../../../core/domain/messages/validate-message.ts';
import { indexSite } from '../../../core/domain/site/site-schema.ts';
import { k14Site } from '../../fixtures/site.ts';

const NOW = Date.UTC(2026, 10, 24, 12);
const ctx: MessageContext = { site: indexSite(k14Site()), receivedAtMs: NOW, maxPayloadBytes: 4096, maxFutureSkewMs: 60_000 };
const validate = (topic: string, payload: unknown, c: MessageContext = ctx) =>
  validateDeviceMessage(topic, Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), c);

describe('validateDeviceMessage', () => {
  it('normalises a meter reading, carrying role and zone from the site configuration', () => {
    const result = validate('k14/meter/rec-z1', { ts: '2026-11-24T20:00:00+08:00', flow_m3h: 512.5, totalizer_m3: 1234.125, seq: 7 });
    expect(result.refused).toEqual([]);
    expect(result.readings).toEqual([
      { kind: 'meter', meterId: 'rec-z1', role: 'recycled', zone: 'zone1', tsMs: NOW, flowM3PerHour: 512.5, totalizerM3: 1234.125, quality: 'good', seq: 7 },
    ]);
  });

  it('gives a reading without ts the receive time', () => {
    expect(validate('k14/meter/tap-z1', { flow_m3h: 3 }).readings[0]?.tsMs).toBe(NOW);
  });

  it('normalises a particle sample with a subset of channels', () => {
    const result = validate('cleanroom/mask-line/pms/pms-02', { ts: NOW - 1000, volume_l: 28.3, counts: { '0.5': 1200, '5.0': 3 } });
    expect(result.readings).toEqual([{ kind: 'particle', roomId: 'mask-line', counterId: 'pms-02', tsMs: NOW - 1000, volumeLitres: 28.3, counts: { '0.5': 1200, '5.0': 3 } }]);
  });

  it('accepts a backlog array and refuses only its bad elements, each with its own bytes', () => {
    const result = validate('k14/meter/inf-z1', [{ ts: NOW - 2000, flow_m3h: 1 }, { ts: NOW - 1000, flow_m3h: -5 }, { ts: NOW, flow_m3h: 2 }]);
    expect(result.readings.map((r) => r.tsMs)).toEqual([NOW - 2000, NOW]);
    expect(result.refused).toHaveLength(1);
    expect(result.refused[0]!.reason).toBe('schema_violation');
    expect(result.refused[0]!.detail).toMatch(/^element 1: flow_m3h/);
    expect(JSON.parse(Buffer.from(result.refused[0]!.raw).toString())).toEqual({ ts: NOW - 1000, flow_m3h: -5 });
  });

  it.each([
    ['unknown topic', 'k14/valve/v1', { flow_m3h: 1 }, 'unknown_topic'],
    ['unknown meter', 'k14/meter/nope', { flow_m3h: 1 }, 'unknown_meter'],
    ['unknown room', 'cleanroom/nope/pms/pms-01', { volume_l: 1, counts: { '0.5': 1 } }, 'unknown_room'],
    ['unknown counter', 'cleanroom/mask-line/pms/nope', { volume_l: 1, counts: { '0.5': 1 } }, 'unknown_counter'],
    ['not JSON', 'k14/meter/inf-z1', '{"flow_m3h":', 'invalid_json'],
    ['NaN', 'k14/meter/inf-z1', '{"flow_m3h": NaN}', 'invalid_json'],
    ['Infinity by overflow', 'k14/meter/inf-z1', '{"flow_m3h": 1e999}', 'schema_violation'],
    ['a string flow', 'k14/meter/inf-z1', { flow_m3h: '5' }, 'schema_violation'],
    ['negative flow', 'k14/meter/inf-z1', { flow_m3h: -0.1 }, 'schema_violation'],
    ['unknown quality', 'k14/meter/inf-z1', { flow_m3h: 1, quality: 'great' }, 'schema_violation'],
    ['seconds instead of ms', 'k14/meter/inf-z1', { flow_m3h: 1, ts: 1_700_000_000 }, 'schema_violation'],
    ['zero volume', 'cleanroom/mask-line/pms/pms-01', { volume_l: 0, counts: { '0.5': 1 } }, 'schema_violation'],
    ['no channel', 'cleanroom/mask-line/pms/pms-01', { volume_l: 28.3, counts: {} }, 'schema_violation'],
    ['unknown channel', 'cleanroom/mask-line/pms/pms-01', { volume_l: 28.3, counts: { '0.7': 1 } }, 'schema_violation'],
    ['fractional count', 'cleanroom/mask-line/pms/pms-01', { volume_l: 28.3, counts: { '0.5': 1.5 } }, 'schema_violation'],
    ['empty array', 'k14/meter/inf-z1', [], 'schema_violation'],
    ['future timestamp', 'k14/meter/inf-z1', { flow_m3h: 1, ts: NOW + 61_000 }, 'future_timestamp'],
    ['invalid UTF-8', 'k14/meter/inf-z1', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'invalid_utf8'],
    ['oversized', 'k14/meter/inf-z1', { flow_m3h: 1, pad: 'x'.repeat(5000) }, 'payload_too_large'],
  ])('refuses %s as %s', (_name, topic, payload, reason) => {
    const result = validate(topic, payload);
    expect(result.readings).toEqual([]);
    expect(result.refused.map((r) => r.reason)).toEqual([reason]);
    expect(result.refused[0]!.detail.length).toBeGreaterThan(5);
  });

  it('allows a timestamp within the future skew', () => {
    expect(validate('k14/meter/inf-z1', { flow_m3h: 1, ts: NOW + 59_000 }).readings).toHaveLength(1);
  });
});
