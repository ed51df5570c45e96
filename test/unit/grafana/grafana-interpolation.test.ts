// The integration test's stand-in for Grafana's query interpolation behaves like the InfluxDB plugin
// (interpolateQueryExpr) and the backend (models/query.go) on the cases the dashboards use.
import { describe, expect, it } from 'vitest';
import { escapeRegex, formatInterval, interpolate, panelIntervalMs, roundInterval } from '../../integration/grafana/grafana-interpolation.ts';

const range = { fromMs: 1_700_000_000_000, toMs: 1_700_021_600_000, intervalMs: 20_000 };

describe('Grafana interpolation', () => {
  it('regex-escapes multi-value selections and joins them as alternatives', () => {
    const query = 'SELECT x FROM m WHERE "zone" =~ /^$zone$/';
    const variables = { zone: { multi: true, includeAll: true, selected: ['zone1', 'zone.2'] } };
    expect(interpolate(query, { ...range, variables })).toBe('SELECT x FROM m WHERE "zone" =~ /^(zone1|zone\\.2)$/');
    expect(interpolate(query, { ...range, variables: { zone: { ...variables.zone, selected: ['zone1'] } } })).toBe('SELECT x FROM m WHERE "zone" =~ /^(zone1)$/');
  });

  it('escapes a single-value variable only inside a regex', () => {
    const variables = { room: { multi: false, includeAll: false, selected: ['mask.line'] } };
    expect(interpolate(`SELECT x FROM m WHERE "room" =~ /^$room$/`, { ...range, variables })).toBe('SELECT x FROM m WHERE "room" =~ /^mask\\.line$/');
    expect(interpolate(`SELECT x FROM m WHERE "room" = '$room'`, { ...range, variables })).toBe(`SELECT x FROM m WHERE "room" = 'mask.line'`);
  });

  it('replaces the range and interval macros as the backend does', () => {
    const text = interpolate('SELECT mean(x) FROM m WHERE $timeFilter AND time <= ${__to}ms GROUP BY time($__interval) -- $__interval_ms', { ...range, variables: {} });
    expect(text).toBe('SELECT mean(x) FROM m WHERE time >= 1700000000000ms and time <= 1700021600000ms AND time <= 1700021600000ms GROUP BY time(20s) -- 20000');
  });

  it('formats and rounds intervals like gtime and rangeutil', () => {
    expect([formatInterval(500), formatInterval(20_000), formatInterval(90_000), formatInterval(3_600_000), formatInterval(86_400_000)]).toEqual(['500ms', '20s', '1m', '1h', '1d']);
    expect(roundInterval(21_600)).toBe(20_000);
    expect(panelIntervalMs(0, 21_600_000, 10_000)).toBe(20_000);
    expect(panelIntervalMs(0, 900_000, 10_000)).toBe(10_000);
    expect(panelIntervalMs(0, 21_600_000, 3_600_000)).toBe(3_600_000);
  });

  it('escapes what RE2 would read as syntax', () => {
    expect(escapeRegex('a.b*c/(d)|e')).toBe('a\\.b\\*c\\/\\(d\\)\\|e');
  });
});
