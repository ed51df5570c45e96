// The InfluxDB line-protocol builder: exact lines for each kind, escaping as the 1.x/2.x parser
// reads it back, and refusal of values the protocol cannot carry.
import { describe, expect, it } from 'vitest';
import { deadLetterLine, readingLine, SeriesKeys } from '../../../core/adapters/influx/encode.ts';
import { buildLine, escapeKeyOrTagValue, floatValue, integerValue, LineProtocolError, nsFromMs, stringValue } from '../../../core/adapters/influx/line-protocol.ts';
import { aDeadLetter, aMeterReading, aParticleSample, T0 } from '../../fixtures/readings.ts';

describe('readingLine', () => {
  it('writes a meter reading with floats untyped, seq as integer and time in ns', () => {
    expect(readingLine(aMeterReading({ flowM3PerHour: 5, totalizerM3: 48_213_907.5, seq: 7 }))).toBe(
      `meter_reading,meter=rec-z1,role=recycled,zone=zone1 flow_m3h=5,totalizer_m3=48213907.5,quality="good",seq=7i ${T0}000000`,
    );
  });

  it('leaves optional meter fields out when absent', () => {
    expect(readingLine(aMeterReading({ totalizerM3: undefined, seq: undefined, quality: 'bad' }))).toBe(
      `meter_reading,meter=rec-z1,role=recycled,zone=zone1 flow_m3h=578.25,quality="bad" ${T0}000000`,
    );
  });

  it('writes counts and concentrations only for the channels present', () => {
    const line = readingLine(aParticleSample({ volumeLitres: 28.3, counts: { '1.0': 283, '0.5': 0 }, seq: undefined }));

    expect(line).toBe(`particle_sample,counter=pms-01,room=mask-line volume_l=28.3,count_0_5=0i,conc_0_5=0,count_1_0=283i,conc_1_0=10000 ${T0}000000`);
  });

  it('keeps counts but writes no concentration for a zero volume', () => {
    expect(readingLine(aParticleSample({ volumeLitres: 0, counts: { '0.3': 5 }, seq: 1 }))).toBe(
      `particle_sample,counter=pms-01,room=mask-line volume_l=0,count_0_3=5i,seq=1i ${T0}000000`,
    );
  });

  it('escapes tag values so they read back exactly', () => {
    const line = readingLine(aMeterReading({ meterId: `a b,c=d"e\\f`, zone: 'ü–日本 🚰', totalizerM3: undefined, seq: undefined }));

    expect(line).toBe(`meter_reading,meter=a\\ b\\,c\\=d"e\\f,role=recycled,zone=ü–日本\\ 🚰 flow_m3h=578.25,quality="good" ${T0}000000`);
  });

  it('refuses numbers the protocol cannot carry, naming the field', () => {
    expect(() => readingLine(aMeterReading({ flowM3PerHour: Number.NaN }))).toThrow(/flowM3PerHour must be a finite number/);
    expect(() => readingLine(aMeterReading({ totalizerM3: Number.POSITIVE_INFINITY }))).toThrow(LineProtocolError);
    expect(() => readingLine(aMeterReading({ seq: 1.5 }))).toThrow(/seq must be an integer/);
    expect(() => readingLine(aParticleSample({ counts: { '0.5': -0.5 } }))).toThrow(/counts\['0.5'\] must be an integer/);
    expect(() => readingLine(aMeterReading({ tsMs: T0 + 0.5 }))).toThrow(/tsMs must be an integer/);
  });
});

describe('SeriesKeys', () => {
  it('gives the same lines as fresh keys across devices, and a new key when a meter moves to another zone', () => {
    const keys = new SeriesKeys();
    const readings = [
      aMeterReading({ meterId: 'm 1' }),
      aParticleSample({ roomId: 'r,1', counterId: 'c=1' }),
      aMeterReading({ meterId: 'm 1', tsMs: T0 + 1000 }),
      aParticleSample({ roomId: 'r,1', counterId: 'c=2' }),
      aParticleSample({ roomId: 'r,2', counterId: 'c=1' }),
      aMeterReading({ meterId: 'm 1', zone: 'zone2' }),
      aMeterReading({ meterId: 'm 1', role: 'tap', zone: 'zone2' }),
    ];
    const lines = readings.map((reading) => readingLine(reading, keys));
    expect(lines).toEqual(readings.map((reading) => readingLine(reading)));
    expect(lines[5]).toMatch(/^meter_reading,meter=m\\ 1,role=recycled,zone=zone2 /);
    expect(lines[6]).toMatch(/^meter_reading,meter=m\\ 1,role=tap,zone=zone2 /);
  });

  it('refuses a device id the protocol cannot carry every time, caching nothing', () => {
    const keys = new SeriesKeys();
    const bad = aMeterReading({ meterId: 'm\\' });
    expect(() => readingLine(bad, keys)).toThrow(/tag meter cannot end with a backslash/);
    expect(() => readingLine(bad, keys)).toThrow(LineProtocolError);
  });
});

describe('deadLetterLine', () => {
  it('writes every field, the reason as tag and the id as the ns timestamp', () => {
    const letter = aDeadLetter({ id: '1620604800000000007', payload: 'a "quoted" \\ payload\nline 2', detail: 'x', topic: 't/1' });

    expect(deadLetterLine(letter)).toBe(
      'dead_letter,reason=schema_violation topic="t/1",detail="x",payload="a \\"quoted\\" \\\\ payload\nline 2",payload_encoding="utf8",' +
        `payload_bytes=${letter.payloadBytes}i,truncated=false,status="pending",received_at_ms=${T0}i 1620604800000000007`,
    );
  });

  it('refuses an id that is not a decimal ns timestamp', () => {
    expect(() => deadLetterLine(aDeadLetter({ id: '12; DROP' }))).toThrow(LineProtocolError);
    expect(() => deadLetterLine(aDeadLetter({ id: '' }))).toThrow(LineProtocolError);
  });
});

describe('escaping', () => {
  it('escapes comma, equals and space in tag values and keeps a lone backslash literal', () => {
    expect(escapeKeyOrTagValue('plain-id_01', 'tag')).toBe('plain-id_01');
    expect(escapeKeyOrTagValue('a,b=c d', 'tag')).toBe('a\\,b\\=c\\ d');
    expect(escapeKeyOrTagValue('C:\\k14', 'tag')).toBe('C:\\k14');
    // The parser unescapes "\," to ",", so a backslash before a comma survives as "\\,".
    expect(escapeKeyOrTagValue('a\\,b', 'tag')).toBe('a\\\\,b');
  });

  it('refuses a tag value with a line break or a trailing backslash', () => {
    expect(() => escapeKeyOrTagValue('a\nb', 'tag meter')).toThrow(/tag meter cannot contain a line break/);
    expect(() => escapeKeyOrTagValue('a\\', 'tag meter')).toThrow(/tag meter cannot end with a backslash/);
  });

  it('escapes double quotes and backslashes in string fields and keeps line breaks', () => {
    expect(stringValue('say "hi" \\o/\n')).toBe('"say \\"hi\\" \\\\o/\n"');
    expect(stringValue('')).toBe('""');
  });

  it('leaves out tags with an empty value', () => {
    expect(buildLine('m', [['a', ''], ['b', 'x']], [['f', floatValue(1, 'f')]], '5')).toBe('m,b=x f=1 5');
  });

  it('escapes measurement names and refuses a point without fields', () => {
    expect(buildLine('my meas,x', [], [['f', 'true']], '1')).toBe('my\\ meas\\,x f=true 1');
    expect(() => buildLine('m', [], [], '1')).toThrow(/at least one field/);
  });
});

describe('number formatting', () => {
  it('writes floats in the shortest form that reads back exactly', () => {
    expect([5, -3.5, 0.1 + 0.2, 1e21, 1e-7, -0, Number.MAX_VALUE].map((n) => floatValue(n, 'f'))).toEqual([
      '5',
      '-3.5',
      '0.30000000000000004',
      '1e+21',
      '1e-7',
      '0',
      '1.7976931348623157e+308',
    ]);
  });

  it('writes integers with the i suffix', () => {
    expect(integerValue(4_294_967_295, 'seq')).toBe('4294967295i');
    expect(integerValue(-1, 'seq')).toBe('-1i');
    expect(() => integerValue(2 ** 53, 'seq')).toThrow(LineProtocolError);
  });

  it('turns epoch ms into ns without floating-point error', () => {
    expect(nsFromMs(1_700_000_000_123, 'tsMs')).toBe('1700000000123000000');
    expect(nsFromMs(0, 'tsMs')).toBe('0');
    expect(nsFromMs(-5, 'tsMs')).toBe('-5000000');
  });
});
