// Alert and action levels: defaults from the class limit, fractions and absolute values per channel,
// per-counter overrides, detection rules, and every configuration problem reported together.
import { describe, expect, it } from 'vitest';
import { levelProblems, levelsFor, roomLevelsSchema, rulesFor } from '../../../core/domain/cleanroom/levels.ts';
import { aRoom } from './cleanroom-fixtures.ts';

describe('levelsFor', () => {
  it('defaults to alert 70 % and action 100 % of the class limit, and no level where the class sets none', () => {
    expect(levelsFor(aRoom({ isoClass: 8 }), 'pms-01')).toEqual({
      '0.3': {},
      '0.5': { alertPerM3: 2_464_000, actionPerM3: 3_520_000 },
      '1.0': { alertPerM3: 582_400, actionPerM3: 832_000 },
      '5.0': { alertPerM3: 20_510, actionPerM3: 29_300 },
    });
    expect(levelsFor(aRoom({ isoClass: 5 }), 'pms-01')['5.0']).toEqual({});
  });

  it('takes room-wide fractions, per-channel fractions and absolute levels, and null switches one off', () => {
    const room = aRoom({
      levels: {
        alertFraction: 0.5,
        channels: {
          '0.3': { action: { perM3: 10_000_000 } },
          '1.0': { alert: { fractionOfLimit: 0.6 }, action: { perM3: 800_000 } },
          '5.0': { alert: null },
        },
      },
    });
    expect(levelsFor(room, 'pms-01')).toEqual({
      '0.3': { actionPerM3: 10_000_000 },
      '0.5': { alertPerM3: 1_760_000, actionPerM3: 3_520_000 },
      '1.0': { alertPerM3: 499_200, actionPerM3: 800_000 },
      '5.0': { actionPerM3: 29_300 },
    });
  });

  it('lets a counter override the room field by field, leaving other counters alone', () => {
    const room = aRoom({
      levels: {
        channels: { '0.5': { alert: { perM3: 2_000_000 } } },
        counters: { 'pms-02': { actionFraction: 0.9, channels: { '0.5': { alert: { perM3: 1_500_000 } } } } },
      },
    });
    expect(levelsFor(room, 'pms-01')['0.5']).toEqual({ alertPerM3: 2_000_000, actionPerM3: 3_520_000 });
    expect(levelsFor(room, 'pms-02')['0.5']).toEqual({ alertPerM3: 1_500_000, actionPerM3: 3_168_000 });
    expect(levelsFor(room, 'pms-02')['5.0']).toEqual({ alertPerM3: 20_510, actionPerM3: 26_370 });
  });

  it('lets a counter switch off a level the room sets', () => {
    const room = aRoom({ levels: { channels: { '0.5': { alert: { perM3: 2_000_000 } } }, counters: { 'pms-02': { channels: { '0.5': { alert: null } } } } } });
    expect(levelsFor(room, 'pms-02')['0.5']).toEqual({ actionPerM3: 3_520_000 });
  });
});

describe('rulesFor', () => {
  it('defaults to action on 1 sample, alert on 2 consecutive, clear after 3 below 0.9 × level, stale after 3 intervals', () => {
    expect(rulesFor(aRoom(), 'pms-01')).toEqual({
      alertRaise: { samples: 2, window: 2 },
      actionRaise: { samples: 1, window: 1 },
      clearAfterSamples: 3,
      hysteresisFraction: 0.1,
      staleAfterIntervals: 3,
    });
  });

  it('takes an N-of-M rule and counter overrides', () => {
    const room = aRoom({ levels: { alertRaise: { samples: 2, window: 5 }, counters: { 'pms-02': { clearAfterSamples: 5, staleAfterIntervals: 2 } } } });
    expect(rulesFor(room, 'pms-01')).toMatchObject({ alertRaise: { samples: 2, window: 5 }, clearAfterSamples: 3 });
    expect(rulesFor(room, 'pms-02')).toMatchObject({ alertRaise: { samples: 2, window: 5 }, clearAfterSamples: 5, staleAfterIntervals: 2 });
  });
});

describe('level configuration problems', () => {
  it('refuses a window shorter than N and a hysteresis of 100 %', () => {
    const result = roomLevelsSchema.safeParse({ alertRaise: { samples: 3, window: 2 }, hysteresisFraction: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['alertRaise.window', 'hysteresisFraction']);
  });

  it('reports every problem that needs the class or the counters at once', () => {
    const room = aRoom({
      levels: {
        channels: { '0.3': { alert: { fractionOfLimit: 0.7 } }, '0.5': { alert: { perM3: 4_000_000 } } },
        counters: { 'pms-99': {}, 'pms-02': { channels: { '1.0': { action: { perM3: 500_000 } } } } },
      },
    });
    expect(levelProblems(room)).toEqual([
      { path: ['counters', 'pms-99'], message: 'counter "pms-99" is not in room "mask-line"' },
      { path: ['channels', '0.3', 'alert'], message: 'ISO class 8 sets no limit at ≥0.3 µm: give this level as perM3' },
      { path: ['channels', '0.5'], message: 'alert level 4000000/m³ must be below action level 3520000/m³ (counter "pms-01", ≥0.5 µm)' },
      { path: ['channels', '0.5'], message: 'alert level 4000000/m³ must be below action level 3520000/m³ (counter "pms-02", ≥0.5 µm)' },
      { path: ['counters', 'pms-02'], message: 'alert level 582400/m³ must be below action level 500000/m³ (counter "pms-02", ≥1.0 µm)' },
    ]);
  });

  it('finds nothing wrong with the defaults', () => {
    expect(levelProblems(aRoom())).toEqual([]);
    expect(levelProblems(aRoom({ levels: {} }))).toEqual([]);
  });
});
