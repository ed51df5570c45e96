// InfluxQL building and result decoding for the InfluxDB adapter: literal escaping, half-open
// ranges, dead-letter paging by ns id, and exact ns ids from RFC 3339 times.
import { describe, expect, it } from 'vitest';
import { nsFromRfc3339 } from '../../../core/adapters/influx/decode.ts';
import { deadLettersQuery, meterFlowQuery, meterReadingsQuery, stringLiteral, timeRangeCondition } from '../../../core/adapters/influx/influxql.ts';
import { parseQueryResponse } from '../../../core/adapters/influx/query-client.ts';

describe('InfluxQL building', () => {
  it('escapes backslashes, single quotes and line breaks in string literals', () => {
    expect(stringLiteral(`o'neil \\ x`)).toBe(`'o\\'neil \\\\ x'`);
    expect(stringLiteral('a\nb')).toBe(`'a\\nb'`);
  });

  it('writes ranges half-open in ms and clamps infinite bounds to what InfluxDB keeps', () => {
    expect(timeRangeCondition({ fromMs: 1_000, toMs: 2_000 })).toBe('time >= 1000ms AND time < 2000ms');
    expect(timeRangeCondition({ fromMs: 0, toMs: Number.POSITIVE_INFINITY })).toBe('time >= 0ms AND time < 9223372036853ms');
    expect(() => timeRangeCondition({ fromMs: 0.5, toMs: 1 })).toThrow(RangeError);
  });

  it('filters meter readings by the meter tag', () => {
    expect(meterReadingsQuery(`it's`, { fromMs: 1, toMs: 2 })).toBe(`SELECT * FROM meter_reading WHERE meter = 'it\\'s' AND time >= 1ms AND time < 2ms`);
  });

  it('groups flow by epoch-aligned buckets and refuses a non-positive interval', () => {
    expect(meterFlowQuery('m', { fromMs: 0, toMs: 60_000 }, 60_000)).toContain('GROUP BY time(60000ms) fill(none)');
    expect(() => meterFlowQuery('m', { fromMs: 0, toMs: 1 }, 0)).toThrow(RangeError);
  });

  it('lists dead letters newest first with status, reason and paging conditions', () => {
    expect(deadLettersQuery({})).toBe(`SELECT * FROM dead_letter WHERE status = 'pending' ORDER BY time DESC LIMIT 100`);
    expect(deadLettersQuery({ status: 'all', reason: 'invalid_json', beforeId: '1620604800000000001', limit: 3 })).toBe(
      `SELECT * FROM dead_letter WHERE reason = 'invalid_json' AND time < 1620604800000000001 ORDER BY time DESC LIMIT 3`,
    );
    expect(deadLettersQuery({ limit: 0 })).toBeUndefined();
    expect(() => deadLettersQuery({ beforeId: '1 OR 1=1' })).toThrow(RangeError);
  });
});

describe('decoding', () => {
  it('turns RFC 3339 times into exact ns ids', () => {
    expect(nsFromRfc3339('2021-05-10T00:00:01.000000007Z')).toBe('1620604801000000007');
    expect(nsFromRfc3339('2021-05-10T00:00:00Z')).toBe('1620604800000000000');
    expect(nsFromRfc3339('2021-05-10T00:00:00.00001Z')).toBe('1620604800000010000');
    expect(nsFromRfc3339('1969-12-31T23:59:59.5Z')).toBe('-500000000');
    expect(() => nsFromRfc3339('1620604800000')).toThrow(/RFC 3339/);
  });

  it('collects chunked answers per statement, a series continuing across chunks', () => {
    const body = [
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,1]],"partial":true}],"partial":true}]}',
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[2,2]]}]}]}',
      '{"results":[{"statement_id":1}]}',
      '',
    ].join('\n');

    expect(parseQueryResponse(body, 'q')).toEqual([
      [
        { name: 'm', columns: ['time', 'v'], values: [[1, 1]] },
        { name: 'm', columns: ['time', 'v'], values: [[2, 2]] },
      ],
      [],
    ]);
  });

  it('throws the server message of a failed statement', () => {
    expect(() => parseQueryResponse('{"results":[{"statement_id":0,"error":"database not found: x"}]}', 'q')).toThrow(/database not found: x/);
  });
});
