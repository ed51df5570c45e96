// Water KPIs and local calendar periods with plain inputs.
import { describe, expect, it } from 'vitest';
import { computeKpis } from '../../../core/domain/water/kpis.ts';
import { periodsBetween, periodStart } from '../../../core/domain/water/local-calendar.ts';

const m3 = (n: number) => n * 1_000_000;

describe('computeKpis', () => {
  it('computes the seed ratios: 70 % recovery, two-thirds recycled share, reuse factor 3, zero gap', () => {
    const kpis = computeKpis({ volumes: { influent: m3(1000), recycled: m3(700), reject: m3(300), tap: m3(350) } });
    expect(kpis.recyclingRate.value).toBeCloseTo(0.7, 12);
    expect(kpis.recycledShare.value).toBeCloseTo(2 / 3, 12);
    expect(kpis.reuseFactor.value).toBeCloseTo(3, 12);
    expect(kpis.balanceGap.value).toBe(0);
  });

  it('gives null with a reason when a denominator is zero', () => {
    const kpis = computeKpis({ volumes: { influent: 0, recycled: 0, reject: 0, tap: 0 } });
    expect(kpis.recyclingRate).toEqual({ value: null, reason: 'zero_denominator' });
    expect(kpis.reuseFactor).toEqual({ value: null, reason: 'zero_denominator' });
  });

  it('gives null naming the stale meter for every ratio that uses its role, and only those', () => {
    const kpis = computeKpis({ volumes: { influent: m3(10), recycled: m3(7), reject: m3(3), tap: m3(3) }, staleByRole: { tap: ['tap-z1'] } });
    expect(kpis.recycledShare).toEqual({ value: null, reason: 'stale_meter', staleMeters: ['tap-z1'] });
    expect(kpis.recyclingRate.value).toBeCloseTo(0.7, 12);
  });
});

describe('Asia/Taipei calendar periods', () => {
  const tz = 'Asia/Taipei';
  it('starts a local day at 16:00 UTC the day before', () => {
    expect(new Date(periodStart('day', Date.UTC(2021, 4, 10, 15, 59), tz)).toISOString()).toBe('2021-05-09T16:00:00.000Z');
    expect(new Date(periodStart('day', Date.UTC(2021, 4, 10, 16, 0), tz)).toISOString()).toBe('2021-05-10T16:00:00.000Z');
  });

  it('lists months and years with local labels', () => {
    const months = periodsBetween('month', Date.UTC(2020, 11, 31, 16), Date.UTC(2021, 1, 28, 16), tz);
    expect(months.map((p) => p.label)).toEqual(['2021-01', '2021-02']);
    expect(new Date(months[1]!.startMs).toISOString()).toBe('2021-01-31T16:00:00.000Z');
    const years = periodsBetween('year', Date.UTC(2015, 0, 1), Date.UTC(2016, 0, 1), tz);
    expect(years.map((p) => p.label)).toEqual(['2015', '2016']);
  });
});
