// The meter fleet state machine: which meters report when, exact totalizers with roll-over, seq,
// injected faults, determinism.
import { describe, expect, it } from 'vitest';
import { meterPayloadSchema } from '../../../core/domain/messages/device-payloads.ts';
import { devicePayloadOf } from '../../../core/domain/messages/device-message.ts';
import type { MeterReading } from '../../../core/domain/readings.ts';
import { MeterFleet } from '../../../simulators/meter-fleet.ts';
import { aSite, k14Site, taipei } from './site-fixture.ts';

const STEP_MS = 5_000;
const T0 = taipei('2021-05-10T09:00:00');

function run(fleet: MeterFleet, steps: number, fromMs = T0, stepMs = STEP_MS): MeterReading[][] {
  return Array.from({ length: steps }, (_, i) => fleet.step(fromMs + (i + 1) * stepMs, stepMs));
}

const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;

describe('meter fleet', () => {
  it('publishes every installed K14 meter, Zone 2 only from phase 2, without a totalizer where none is fitted', () => {
    const fleet = new MeterFleet({ site: k14Site(), seed: 1 });
    const phase1 = fleet.step(taipei('2018-06-01T12:00:00'), STEP_MS);
    // Zone 2 joined the K14 system in phase 2 (2019): its meters, make-up water included, report from then.
    expect(phase1.map((r) => r.meterId)).toEqual(['inf-z1', 'rec-z1', 'rej-1', 'tap-z1']);
    const now = fleet.step(T0, STEP_MS);
    expect(now.map((r) => r.meterId)).toEqual(['inf-z1', 'inf-z2', 'rec-z1', 'rec-z2', 'rej-1', 'tap-z1', 'tap-z2']);
    const reject = now.find((r) => r.meterId === 'rej-1')!;
    expect(reject.totalizerM3).toBeUndefined();
    expect(devicePayloadOf(reject)).not.toHaveProperty('totalizer_m3');
    for (const reading of now) expect(meterPayloadSchema.safeParse(devicePayloadOf(reading)).success).toBe(true);
  });

  it('increments seq by one per message and per meter', () => {
    const readings = run(new MeterFleet({ site: k14Site(), seed: 1 }), 4).map((step) => step.find((r) => r.meterId === 'tap-z2')!.seq);
    expect(readings).toEqual([1, 2, 3, 4]);
  });

  it('keeps the totalizer exact: reported increments add up to the integrated flow, at litre resolution', () => {
    const fleet = new MeterFleet({ site: aSite(), seed: 3, flowNoiseFraction: 0 });
    const steps = run(fleet, 720).map((s) => s[0]!);
    let integratedM3 = 0;
    for (let i = 1; i < steps.length; i += 1) integratedM3 += ((steps[i - 1]!.flowM3PerHour + steps[i]!.flowM3PerHour) / 2) * (STEP_MS / 3_600_000);
    const registered = steps.at(-1)!.totalizerM3! - steps[0]!.totalizerM3!;
    expect(Math.abs(registered - integratedM3)).toBeLessThan(0.01);
    expect(steps.every((r) => decimals(r.totalizerM3!) <= 3 && decimals(r.flowM3PerHour) <= 3)).toBe(true);
    for (let i = 1; i < steps.length; i += 1) expect(steps[i]!.totalizerM3!).toBeGreaterThanOrEqual(steps[i - 1]!.totalizerM3!);
  });

  it('rolls the totalizer over at totalizerWrapM3', () => {
    const site = aSite([{ id: 'rec-z1', totalizerWrapM3: 100_000 }]);
    const fleet = new MeterFleet({ site, seed: 5, initialTotalizersM3: new Map([['rec-z1', 99_990]]) });
    const totals = run(fleet, 120).map((s) => s[0]!.totalizerM3!);
    const wrapAt = totals.findIndex((v, i) => i > 0 && v < totals[i - 1]!);
    expect(wrapAt).toBeGreaterThan(0);
    expect(totals[wrapAt - 1]!).toBeGreaterThan(99_990);
    expect(totals[wrapAt]!).toBeLessThan(10);
    expect(Math.max(...totals)).toBeLessThan(100_000);
  });

  it('starts from a given totalizer, taken modulo the wrap', () => {
    const site = aSite([{ id: 'rec-z1', totalizerWrapM3: 1_000 }]);
    const fleet = new MeterFleet({ site, seed: 5, initialTotalizersM3: new Map([['rec-z1', 2_500.25]]) });
    expect(fleet.totalizerM3('rec-z1')).toBe(500.25);
  });

  it('injects totalizer resets and uncertain readings only when asked', () => {
    const quiet = run(new MeterFleet({ site: k14Site(), seed: 9 }), 200).flat();
    expect(quiet.every((r) => r.quality === 'good')).toBe(true);
    const faulty = run(new MeterFleet({ site: k14Site(), seed: 9, initialTotalizersM3: new Map([['inf-z1', 5e6]]), faults: { totalizerResetPerMessage: 0.02, uncertainPerMessage: 0.05 } }), 200);
    expect(faulty.flat().some((r) => r.quality === 'uncertain')).toBe(true);
    const influent = faulty.map((s) => s.find((r) => r.meterId === 'inf-z1')!.totalizerM3!);
    expect(influent.some((v, i) => i > 0 && v < influent[i - 1]! - 1_000)).toBe(true);
  });

  it('gives the same readings for the same seed', () => {
    const a = run(new MeterFleet({ site: k14Site(), seed: 11 }), 10);
    const b = run(new MeterFleet({ site: k14Site(), seed: 11 }), 10);
    const c = run(new MeterFleet({ site: k14Site(), seed: 12 }), 10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
