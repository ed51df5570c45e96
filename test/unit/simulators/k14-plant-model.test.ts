// Calibration of the K14 plant model against the 2021 press release (20 Mt crossed before 2021-05-10,
// 55 % in phase 1, 70 % in phase 2, two thirds recycled), integrating its flows at fixed steps.
import { describe, expect, it } from 'vitest';
import {
  COMMISSIONED_AT_MS,
  demandFactor,
  K14_PHASES,
  meanPlantFlowsAt,
  PHASE_2_STARTS_AT_MS,
  plantFlowsAt,
  type PlantFlows,
} from '../../../simulators/k14-plant-model.ts';
import { meanVolumesSinceInstallM3 } from '../../../simulators/meter-flows.ts';
import { k14Site, taipei } from './site-fixture.ts';

const HOUR_MS = 3_600_000;
const STEP_MS = 15 * 60_000;
const MILESTONE_M3 = 20_000_000;

const influent = (f: PlantFlows) => f.zones.zone1.influentM3PerHour + f.zones.zone2.influentM3PerHour;
const recycled = (f: PlantFlows) => f.zones.zone1.recycledM3PerHour + f.zones.zone2.recycledM3PerHour;
const tap = (f: PlantFlows) => f.zones.zone1.tapM3PerHour + f.zones.zone2.tapM3PerHour;

interface Totals {
  influent: number;
  recycled: number;
  tap: number;
  reject: number;
}

/** Volumes (m³) over [fromMs, toMs) by the midpoint rule at stepMs. */
function integrate(fromMs: number, toMs: number, flowsAt: (tsMs: number) => PlantFlows, stepMs = STEP_MS): Totals {
  const totals: Totals = { influent: 0, recycled: 0, tap: 0, reject: 0 };
  for (let t = fromMs; t < toMs; t += stepMs) {
    const f = flowsAt(t + stepMs / 2);
    const hours = stepMs / HOUR_MS;
    totals.influent += influent(f) * hours;
    totals.recycled += recycled(f) * hours;
    totals.tap += tap(f) * hours;
    totals.reject += f.rejectM3PerHour * hours;
  }
  return totals;
}

function milestoneCrossingMs(): number | undefined {
  let cumulative = 0;
  for (let t = COMMISSIONED_AT_MS; t < taipei('2022-01-01T00:00:00'); t += STEP_MS) {
    cumulative += (recycled(meanPlantFlowsAt(t + STEP_MS / 2)) * STEP_MS) / HOUR_MS;
    if (cumulative >= MILESTONE_M3) return t + STEP_MS;
  }
  return undefined;
}

describe('K14 plant model calibration', () => {
  it('crosses 20,000,000 m³ of recycled water between 2021-04-01 and 2021-05-10, near 2021-04-20', () => {
    const crossing = milestoneCrossingMs();
    expect(crossing).toBeDefined();
    expect(crossing!).toBeGreaterThanOrEqual(taipei('2021-04-01T00:00:00'));
    expect(crossing!).toBeLessThan(taipei('2021-05-10T00:00:00'));
    expect(Math.abs(crossing! - taipei('2021-04-20T12:00:00'))).toBeLessThan(5 * 24 * HOUR_MS);
  });

  it.each([
    [2016, 0.55],
    [2020, 0.7],
  ])('recycles %i at %f ± 1 point', (year, rate) => {
    const totals = integrate(taipei(`${year}-01-01T00:00:00`), taipei(`${year + 1}-01-01T00:00:00`), meanPlantFlowsAt);
    expect(Math.abs(totals.recycled / totals.influent - rate)).toBeLessThan(0.01);
  });

  it.each([
    [2016, 0.55],
    [2020, 0.7],
  ])('keeps %i within 1 point of %f with process variation too', (year, rate) => {
    const totals = integrate(taipei(`${year}-01-01T00:00:00`), taipei(`${year + 1}-01-01T00:00:00`), (t) => plantFlowsAt(t, 20210510), HOUR_MS);
    expect(Math.abs(totals.recycled / totals.influent - rate)).toBeLessThan(0.01);
  });

  it('treats about 12,000 m³/day in phase 1 and about 17,650 m³/day in phase 2', () => {
    const phase1 = integrate(taipei('2017-01-01T00:00:00'), taipei('2018-01-01T00:00:00'), meanPlantFlowsAt);
    const phase2 = integrate(taipei('2019-01-01T00:00:00'), taipei('2020-01-01T00:00:00'), meanPlantFlowsAt);
    expect(phase1.influent / 365).toBeCloseTo(12_000, -2);
    expect(phase2.influent / 365).toBeCloseTo(17_650, -2);
    expect(K14_PHASES.map((p) => p.recyclingRate)).toEqual([0.55, 0.7]);
  });

  it('keeps the campus mix at two thirds recycled and the water balance gap near zero', () => {
    const totals = integrate(taipei('2020-01-01T00:00:00'), taipei('2020-02-01T00:00:00'), (t) => plantFlowsAt(t, 7), HOUR_MS);
    expect(totals.recycled / (totals.recycled + totals.tap)).toBeCloseTo(2 / 3, 2);
    const gap = (totals.influent - totals.recycled - totals.reject) / totals.influent;
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(0.005);
  });

  it('hands the same volumes to the site meters as the plant streams carry', () => {
    const until = taipei('2021-04-20T00:00:00');
    const volumes = meanVolumesSinceInstallM3(k14Site(), until);
    const plant = integrate(COMMISSIONED_AT_MS, until, meanPlantFlowsAt, HOUR_MS);
    const recycledByMeters = (volumes.get('rec-z1') ?? 0) + (volumes.get('rec-z2') ?? 0);
    expect(recycledByMeters / plant.recycled).toBeCloseTo(1, 6);
    expect(recycledByMeters).toBeGreaterThan(19_500_000);
    expect(recycledByMeters).toBeLessThan(MILESTONE_M3);
  });
});

describe('K14 plant model shape', () => {
  it('has no flow before commissioning and no Zone 2 flow before phase 2', () => {
    expect(influent(meanPlantFlowsAt(COMMISSIONED_AT_MS - 1))).toBe(0);
    expect(meanPlantFlowsAt(PHASE_2_STARTS_AT_MS - 1).zones.zone2.influentM3PerHour).toBe(0);
    expect(meanPlantFlowsAt(PHASE_2_STARTS_AT_MS).zones.zone2.influentM3PerHour).toBeGreaterThan(0);
    expect(meanPlantFlowsAt(PHASE_2_STARTS_AT_MS).phase).toBe(2);
  });

  it('runs lower on Sundays and follows the Asia/Taipei day', () => {
    const daily = (isoDate: string) => integrate(taipei(`${isoDate}T00:00:00`), taipei(`${isoDate}T00:00:00`) + 24 * HOUR_MS, meanPlantFlowsAt).influent;
    expect(daily('2020-03-08')).toBeLessThan(0.9 * daily('2020-03-10')); // Sunday vs Tuesday
    expect(demandFactor(taipei('2020-03-10T14:00:00'))).toBeGreaterThan(demandFactor(taipei('2020-03-10T03:00:00')));
  });

  it('varies by a few percent and is the same for the same seed and instant', () => {
    const t = taipei('2020-06-01T10:17:00');
    expect(plantFlowsAt(t, 1)).toEqual(plantFlowsAt(t, 1));
    expect(plantFlowsAt(t, 1)).not.toEqual(plantFlowsAt(t, 2));
    const ratio = influent(plantFlowsAt(t, 1)) / influent(meanPlantFlowsAt(t));
    expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
  });
});
