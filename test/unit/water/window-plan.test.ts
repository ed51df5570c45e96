// Window planning: rollups for whole hours and days up to their watermarks, raw readings elsewhere.
import { describe, expect, it } from 'vitest';
import { planWindow } from '../../../core/domain/water/window-plan.ts';

const TZ = 'Asia/Taipei';
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const show = (pieces: ReturnType<typeof planWindow>) => pieces.map((p) => `${p.source} ${new Date(p.fromMs).toISOString().slice(0, 16)}→${new Date(p.toMs).toISOString().slice(0, 16)}`);

describe('planWindow', () => {
  it('answers a long window with days in the middle, hours around them and raw readings at the ragged edges', () => {
    const pieces = planWindow(at('2021-05-01T03:30:00Z'), at('2021-05-10T05:45:00Z'), { daysUntilMs: at('2021-05-09T16:00:00Z'), hoursUntilMs: at('2021-05-10T05:00:00Z') }, TZ);
    expect(show(pieces)).toEqual([
      'raw 2021-05-01T03:30→2021-05-01T04:00',
      'hour 2021-05-01T04:00→2021-05-01T16:00',
      'day 2021-05-01T16:00→2021-05-09T16:00',
      'hour 2021-05-09T16:00→2021-05-10T05:00',
      'raw 2021-05-10T05:00→2021-05-10T05:45',
    ]);
  });

  it('reads raw readings past the hourly watermark', () => {
    const pieces = planWindow(at('2021-05-10T00:00:00Z'), at('2021-05-10T06:00:00Z'), { hoursUntilMs: at('2021-05-10T02:00:00Z') }, TZ);
    expect(show(pieces)).toEqual(['hour 2021-05-10T00:00→2021-05-10T02:00', 'raw 2021-05-10T02:00→2021-05-10T06:00']);
  });

  it('reads everything raw without rollups, and tiles the window without gaps or overlaps', () => {
    expect(show(planWindow(at('2021-05-10T00:10:00Z'), at('2021-05-10T00:50:00Z'), {}, TZ))).toEqual(['raw 2021-05-10T00:10→2021-05-10T00:50']);
    const pieces = planWindow(at('2020-01-01T00:07:00Z'), at('2021-01-01T00:00:00Z'), { daysUntilMs: at('2020-12-31T16:00:00Z'), hoursUntilMs: at('2021-01-01T00:00:00Z') }, TZ);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.fromMs).toBe(pieces[i - 1]!.toMs);
    expect(pieces[0]!.fromMs).toBe(at('2020-01-01T00:07:00Z'));
    expect(pieces.at(-1)!.toMs).toBe(at('2021-01-01T00:00:00Z'));
    expect(pieces.filter((p) => p.source === 'raw').reduce((s, p) => s + p.toMs - p.fromMs, 0)).toBeLessThan(H);
  });
});
