// Golden tests for exact meter volumes: rollover, recorded replacement, unexplained reset, gaps,
// duplicates, out-of-order readings and the flow-integration fallback.
import { describe, expect, it } from 'vitest';
import { orderedReadings, volumeInWindow, volumeSegments, type MeterVolumeOptions, type VolumeReading } from '../../../core/domain/water/meter-volume.ts';
import { proportionalShare } from '../../../core/domain/water/volume-units.ts';

const T0 = Date.UTC(2021, 4, 9, 16); // 2021-05-10 00:00 Asia/Taipei
const MIN = 60_000;
const HOUR = 60 * MIN;
const GAP = 30 * MIN;
const reading = (minutes: number, totalizerM3: number | undefined, flowM3PerHour = 600): VolumeReading => ({ tsMs: T0 + minutes * MIN, flowM3PerHour, totalizerM3 });
const totalizerMeter: MeterVolumeOptions = { hasTotalizer: true, totalizerWrapM3: 1_000_000 };
const total = (readings: VolumeReading[], options: MeterVolumeOptions = totalizerMeter) => volumeInWindow(volumeSegments(orderedReadings(readings), options), T0 - HOUR, T0 + 48 * HOUR, GAP);

describe('meter volume from totalizer increments', () => {
  it('counts a rollover at the configured wrap value exactly', () => {
    const result = total([reading(0, 999_990.5), reading(15, 12.25)]);
    expect(result.volumeMl).toBe(21_750_000);
    expect([...result.methods]).toEqual(['rollover']);
    expect(result.unexplainedResetsAtMs).toEqual([]);
  });

  it('counts across a recorded meter replacement exactly: old meter up to its last reading, new one from its first', () => {
    const replacements = [{ meterId: 'rec-z1', atMs: T0 + 20 * MIN, oldFinalM3: 5_003.5, newInitialM3: 0.25 }];
    const result = total([reading(0, 5_000), reading(30, 2.75)], { ...totalizerMeter, replacements });
    expect(result.volumeMl).toBe(6_000_000);
    expect([...result.methods]).toEqual(['replacement']);
  });

  it('takes an unexplained drop as a reset: the post-drop count is real volume, and the reset is named', () => {
    const result = total([reading(0, 5_000), reading(15, 5_010), reading(30, 3)]);
    expect(result.volumeMl).toBe(13_000_000);
    expect(result.unexplainedResetsAtMs).toEqual([T0 + 15 * MIN]);
  });

  it('does not take a drop far from the wrap value for a rollover', () => {
    expect(total([reading(0, 600_000), reading(15, 12)]).unexplainedResetsAtMs).toHaveLength(1);
  });

  it('counts an increment across a gap of hours once, spread across the gap', () => {
    const readings = [reading(0, 100), reading(360, 160)];
    const segments = volumeSegments(readings, totalizerMeter);
    const hourly = Array.from({ length: 6 }, (_, h) => volumeInWindow(segments, T0 + h * HOUR, T0 + (h + 1) * HOUR, GAP).volumeMl);
    expect(hourly).toEqual(Array(6).fill(10_000_000));
    expect(volumeInWindow(segments, T0 + 6 * HOUR, T0 + 7 * HOUR, GAP).volumeMl).toBe(0);
    expect(volumeInWindow(segments, T0, T0 + HOUR, GAP).coveredMs).toBe(0); // the gap is disclosed, not hidden
  });

  it('counts duplicates once', () => {
    const once = total([reading(0, 100), reading(15, 110), reading(30, 125)]);
    const twice = total([reading(0, 100), reading(15, 110), reading(15, 110), reading(30, 125), reading(30, 125)]);
    expect(twice.volumeMl).toBe(once.volumeMl);
    expect(once.volumeMl).toBe(25_000_000);
  });

  it('includes late and out-of-order readings in a total asked for after they arrive', () => {
    const inOrder = [reading(0, 100), reading(15, 104.125), reading(30, 109), reading(45, 111.5)];
    const shuffled = [inOrder[2]!, inOrder[0]!, inOrder[3]!, inOrder[1]!];
    expect(total(shuffled)).toEqual(total(inOrder));
    const split = volumeSegments(orderedReadings(shuffled), totalizerMeter);
    expect(volumeInWindow(split, T0, T0 + 15 * MIN, GAP).volumeMl).toBe(4_125_000);
  });

  it('keeps a decade of increments exact (no float drift)', () => {
    const readings = Array.from({ length: 10 * 365 * 4 }, (_, i) => reading(i * 360, 1_000 + i * 0.1));
    const result = volumeInWindow(volumeSegments(readings, totalizerMeter), T0, T0 + 10 * 365 * 24 * HOUR, 12 * HOUR);
    expect(result.volumeMl).toBe((readings.length - 1) * 100_000);
  });
});

describe('meter volume by integrating flow (no totalizer)', () => {
  it('integrates flow with the trapezoid rule and says so', () => {
    const result = total([reading(0, undefined, 60), reading(30, undefined, 120)], { hasTotalizer: false });
    expect(result.volumeMl).toBe(45_000_000);
    expect([...result.methods]).toEqual(['integrated_flow']);
  });
});

describe('window shares', () => {
  it('add up exactly to the whole for any split of a segment', () => {
    const volume = 7_777_777_777;
    const duration = 3_600_007;
    const cuts = [0, 1, 17, 999_999, 1_800_003, 3_600_006, duration];
    let sum = 0;
    for (let i = 1; i < cuts.length; i++) sum += proportionalShare(volume, cuts[i]!, duration) - proportionalShare(volume, cuts[i - 1]!, duration);
    expect(sum).toBe(volume);
  });

  it('stays exact where the product exceeds 2^53', () => {
    // 9e12 × 2,000,000,001 ÷ 4e9 = 2,250 × 2,000,000,001 exactly; 9e12 × 1,999,999,999 ÷ 4e9 floors below.
    expect(proportionalShare(9_000_000_000_000, 2_000_000_001, 4_000_000_000)).toBe(4_500_000_002_250);
    expect(proportionalShare(9_000_000_000_003, 1_999_999_999, 4_000_000_000)).toBe(4_499_999_997_751);
  });
});
