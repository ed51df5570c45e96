// The cleanroom model: ISO 14644-1 limits, ordered cumulative counts, a clean ISO 8 baseline, and the
// excursions a demo relies on (door open above the action level, gowning spike, silent counter).
import { describe, expect, it } from 'vitest';
import { particlePayloadSchema } from '../../../core/domain/messages/device-payloads.ts';
import { devicePayloadOf } from '../../../core/domain/messages/device-message.ts';
import { concentrationPerM3, SIZE_CHANNELS, type ParticleSample } from '../../../core/domain/readings.ts';
import { CleanroomModel, type CleanroomModelOptions, type CleanroomStep } from '../../../simulators/cleanroom-model.ts';
import { isoLimitPerM3 } from '../../../simulators/particle-levels.ts';
import { aSite } from './site-fixture.ts';

const INTERVAL_MS = 10_000;
const T0 = Date.UTC(2021, 4, 10, 1, 0, 0);
const ISO8_05 = 3_520_000;
const ALERT_05 = 0.7 * ISO8_05;

const room = aSite().rooms[0]!;
const model = (overrides: Partial<CleanroomModelOptions> = {}) => new CleanroomModel({ room, seed: 1, ...overrides });

function run(m: CleanroomModel, steps: number): CleanroomStep[] {
  return Array.from({ length: steps }, (_, i) => m.step(T0 + i * INTERVAL_MS, INTERVAL_MS));
}

const halfMicron = (s: ParticleSample) => concentrationPerM3(s.counts['0.5']!, s.volumeLitres);
const of = (steps: CleanroomStep[], counterId: string) => steps.map((s) => s.samples.find((x) => x.counterId === counterId));

function longestRunAbove(values: number[], level: number): number {
  let best = 0;
  let current = 0;
  for (const v of values) {
    current = v > level ? current + 1 : 0;
    best = Math.max(best, current);
  }
  return best;
}

describe('ISO 14644-1 limits', () => {
  it('matches the ISO 8 row of the standard table', () => {
    expect([0.5, 1, 5].map((d) => isoLimitPerM3(8, d))).toEqual([3_520_000, 832_000, 29_300]);
    expect(isoLimitPerM3(5, 0.3)).toBe(10_200);
  });
});

describe('cleanroom model', () => {
  it('reports cumulative counts in order ≥0.3 ≥ ≥0.5 ≥ ≥1.0 ≥ ≥5.0 for the interval’s volume', () => {
    const samples = run(model({ meanMinutesBetweenExcursions: 1 }), 600).flatMap((s) => s.samples);
    expect(samples.length).toBeGreaterThan(1_000);
    for (const sample of samples) {
      const counts = SIZE_CHANNELS.map((c) => sample.counts[c]!);
      for (let i = 1; i < counts.length; i += 1) expect(counts[i - 1]!).toBeGreaterThanOrEqual(counts[i]!);
      expect(sample.volumeLitres).toBe(4.717); // 28.3 L/min × 10 s
      expect(particlePayloadSchema.safeParse(devicePayloadOf(sample)).success).toBe(true);
    }
  });

  it('samples clean ISO 8 air at about 5–15 % of the limits when nothing happens', () => {
    const samples = run(model({ meanMinutesBetweenExcursions: 0 }), 360).flatMap((s) => s.samples);
    const concentrations = samples.map(halfMicron);
    const mean = concentrations.reduce((a, b) => a + b, 0) / concentrations.length;
    expect(mean / ISO8_05).toBeGreaterThan(0.05);
    expect(mean / ISO8_05).toBeLessThan(0.15);
    expect(Math.max(...concentrations)).toBeLessThan(ALERT_05);
    const fine = samples.map((s) => s.counts['0.3']! / s.counts['0.5']!);
    expect(Math.min(...fine)).toBeGreaterThan(2);
    expect(Math.max(...fine)).toBeLessThan(3);
  });

  it('drives a door held open above the ISO 8 action level at 0.5 µm for several consecutive samples', () => {
    const m = model({ meanMinutesBetweenExcursions: 0 });
    run(m, 3);
    m.forceExcursion('door-open', 'pms-02');
    const steps = run(m, 20);
    expect(steps[0]!.started).toMatchObject([{ kind: 'door-open', roomId: 'mask-line', counterId: 'pms-02' }]);
    const levels = of(steps, 'pms-02').map((s) => halfMicron(s!));
    expect(Math.max(...levels)).toBeGreaterThan(ISO8_05);
    expect(longestRunAbove(levels, ISO8_05)).toBeGreaterThanOrEqual(3);
    expect(levels[0]!).toBeLessThan(0.6 * Math.max(...levels)); // a rise, not a step
    expect(levels.at(-1)!).toBeLessThan(ALERT_05); // and a decay back to clean air
  });

  it('makes a gowning fault a short spike on one counter', () => {
    const m = model({ meanMinutesBetweenExcursions: 0 });
    m.forceExcursion('gowning-fault', 'pms-01');
    const steps = run(m, 6);
    const spiked = of(steps, 'pms-01').map((s) => halfMicron(s!));
    expect(spiked[0]!).toBeGreaterThan(ISO8_05);
    expect(spiked.filter((v) => v > ISO8_05).length).toBeLessThanOrEqual(2);
    expect(of(steps, 'pms-03').every((s) => halfMicron(s!) < ALERT_05)).toBe(true);
  });

  it('lets a counter fall silent for a few intervals, then report again with the next seq', () => {
    const m = model({ meanMinutesBetweenExcursions: 0 });
    m.forceExcursion('silent', 'pms-03');
    const samples = of(run(m, 12), 'pms-03');
    const silent = samples.filter((s) => s === undefined).length;
    expect(silent).toBeGreaterThanOrEqual(3);
    expect(silent).toBeLessThanOrEqual(6);
    expect(samples.slice(0, silent).every((s) => s === undefined)).toBe(true);
    expect(samples.filter((s) => s !== undefined).map((s) => s!.seq)).toEqual(Array.from({ length: 12 - silent }, (_, i) => i + 1));
  });

  it('starts something by chance within about five minutes at the default rate', () => {
    const firstEventMinutes = Array.from({ length: 40 }, (_, seed) => {
      const steps = run(new CleanroomModel({ room, seed }), 180);
      const index = steps.findIndex((s) => s.started.length > 0);
      return index < 0 ? Infinity : (index * INTERVAL_MS) / 60_000;
    }).sort((a, b) => a - b);
    expect(firstEventMinutes[20]!).toBeLessThan(5); // the median run
    expect(run(model({ meanMinutesBetweenExcursions: 0 }), 2_000).some((s) => s.started.length > 0)).toBe(false);
  });

  it('refuses to force an excursion on a counter the room does not have', () => {
    expect(() => model().forceExcursion('door-open', 'pms-99')).toThrow(RangeError);
  });

  it('gives the same samples and excursions for the same seed', () => {
    expect(run(model({ seed: 5 }), 100)).toEqual(run(model({ seed: 5 }), 100));
    expect(run(model({ seed: 5 }), 100)).not.toEqual(run(model({ seed: 6 }), 100));
  });
});
