// The K14 water-recycling plant as a pure function of time: each stream's flow (m³/h) at an instant,
// calibrated on the 2021-05-10 press release (phase 1 at 55 %, phase 2 with Zone 2 at 70 %, 20 Mt saved).
import { hashString, smoothNoise } from './random.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Taiwan has kept UTC+8 without daylight saving since 1980, so a fixed offset is exact here. */
export const TAIPEI_UTC_OFFSET_MS = 8 * HOUR_MS;

export const COMMISSIONED_AT_MS = Date.parse('2015-01-01T00:00:00+08:00');
export const PHASE_2_STARTS_AT_MS = Date.parse('2019-01-01T00:00:00+08:00');

export const MODEL_ZONES = ['zone1', 'zone2'] as const;
export type ModelZone = (typeof MODEL_ZONES)[number];

export interface PlantPhase {
  readonly phase: 1 | 2;
  readonly startsAtMs: number;
  /** Mean influent per zone over whole weeks and years, m³/day. */
  readonly influentM3PerDay: Readonly<Record<ModelZone, number>>;
  /** Plant recovery: recycled ÷ influent. */
  readonly recyclingRate: number;
}

/**
 * Volumes sized so cumulative recycled water crosses 20,000,000 m³ around 2021-04-20, ahead of the
 * 2021-05-10 announcement; phase 1 stays well inside the 20,000 t/day design capacity.
 */
export const K14_PHASES: readonly PlantPhase[] = [
  { phase: 1, startsAtMs: COMMISSIONED_AT_MS, influentM3PerDay: { zone1: 12_000, zone2: 0 }, recyclingRate: 0.55 },
  { phase: 2, startsAtMs: PHASE_2_STARTS_AT_MS, influentM3PerDay: { zone1: 12_000, zone2: 5_650 }, recyclingRate: 0.7 },
];

/** Campus mix of one third tap, two thirds recycled: tap make-up is half the recycled supply. */
export const TAP_PER_RECYCLED = 0.5;
/** Sludge and evaporation: the small share of influent that is neither recycled nor rejected. */
export const PROCESS_LOSS_FRACTION = 0.002;

export interface ZoneFlows {
  readonly influentM3PerHour: number;
  readonly recycledM3PerHour: number;
  readonly tapM3PerHour: number;
}

export interface PlantFlows {
  /** 0 before commissioning. */
  readonly phase: 0 | 1 | 2;
  readonly zones: Readonly<Record<ModelZone, ZoneFlows>>;
  readonly rejectM3PerHour: number;
}

const NO_FLOW: ZoneFlows = { influentM3PerHour: 0, recycledM3PerHour: 0, tapM3PerHour: 0 };
const IDLE: PlantFlows = { phase: 0, zones: { zone1: NO_FLOW, zone2: NO_FLOW }, rejectM3PerHour: 0 };

export function phaseAt(tsMs: number): PlantPhase | undefined {
  let current: PlantPhase | undefined;
  for (const phase of K14_PHASES) if (tsMs >= phase.startsAtMs) current = phase;
  return current;
}

/** Sunday first; fabs run around the clock but maintenance and lighter shifts thin out weekends. */
const WEEKDAY_FACTORS = [0.86, 1.036, 1.036, 1.036, 1.036, 1.036, 0.96] as const;
const DAILY_AMPLITUDE = 0.06;
const DAILY_PEAK_HOUR = 14;
const HALF_DAY_AMPLITUDE = 0.02;
const HALF_DAY_PEAK_HOUR = 10;
const SEASONAL_AMPLITUDE = 0.03;
/** Fraction of the year at which demand peaks (about 1 August: cooling towers, humid air). */
const SEASONAL_PEAK_YEAR_FRACTION = 0.58;
const DAYS_PER_YEAR = 365.2425;
/** 1970-01-01 was a Thursday. */
const EPOCH_WEEKDAY = 4;

/** Demand relative to the phase mean, by Asia/Taipei local time: daily, weekly and seasonal; mean 1. */
export function demandFactor(tsMs: number): number {
  const localMs = tsMs + TAIPEI_UTC_OFFSET_MS;
  const day = Math.floor(localMs / DAY_MS);
  const hour = (localMs - day * DAY_MS) / HOUR_MS;
  const daily =
    1 +
    DAILY_AMPLITUDE * Math.cos((2 * Math.PI * (hour - DAILY_PEAK_HOUR)) / 24) +
    HALF_DAY_AMPLITUDE * Math.cos((4 * Math.PI * (hour - HALF_DAY_PEAK_HOUR)) / 24);
  const weekly = WEEKDAY_FACTORS[(((day + EPOCH_WEEKDAY) % 7) + 7) % 7] ?? 1;
  const seasonal = 1 + SEASONAL_AMPLITUDE * Math.cos(2 * Math.PI * (localMs / DAY_MS / DAYS_PER_YEAR - SEASONAL_PEAK_YEAR_FRACTION));
  return daily * weekly * seasonal;
}

interface Perturbation {
  influentFactor(zone: ModelZone): number;
  tapFactor(zone: ModelZone): number;
  readonly rateOffset: number;
}

const NONE: Perturbation = { influentFactor: () => 1, tapFactor: () => 1, rateOffset: 0 };

/** The expected flows: rhythm only, no process variation. What calibration integrates. */
export function meanPlantFlowsAt(tsMs: number): PlantFlows {
  return flowsWith(tsMs, NONE);
}

const INFLUENT_SLOW = { sd: 0.025, periodMs: 6 * HOUR_MS };
const INFLUENT_FAST = { sd: 0.015, periodMs: 40 * 60_000 };
const RATE = { sd: 0.008, periodMs: 4 * HOUR_MS };
const TAP = { sd: 0.04, periodMs: 3 * HOUR_MS };
const KEYS = {
  influentSlow: { zone1: hashString('zone1/influent/slow'), zone2: hashString('zone2/influent/slow') },
  influentFast: { zone1: hashString('zone1/influent/fast'), zone2: hashString('zone2/influent/fast') },
  tap: { zone1: hashString('zone1/tap'), zone2: hashString('zone2/tap') },
  rate: hashString('plant/recovery'),
} as const;

/**
 * Flows with process variation of a few percent: smooth, seeded and a pure function of the instant,
 * so a live run and a backfill with the same seed agree wherever they overlap.
 */
export function plantFlowsAt(tsMs: number, seed: number): PlantFlows {
  return flowsWith(tsMs, {
    influentFactor: (zone) =>
      1 +
      INFLUENT_SLOW.sd * smoothNoise(seed, KEYS.influentSlow[zone], tsMs, INFLUENT_SLOW.periodMs) +
      INFLUENT_FAST.sd * smoothNoise(seed, KEYS.influentFast[zone], tsMs, INFLUENT_FAST.periodMs),
    tapFactor: (zone) => 1 + TAP.sd * smoothNoise(seed, KEYS.tap[zone], tsMs, TAP.periodMs),
    rateOffset: RATE.sd * smoothNoise(seed, KEYS.rate, tsMs, RATE.periodMs),
  });
}

function flowsWith(tsMs: number, perturbation: Perturbation): PlantFlows {
  const phase = phaseAt(tsMs);
  if (!phase) return IDLE;
  const demand = demandFactor(tsMs);
  const rate = phase.recyclingRate + perturbation.rateOffset;
  const zoneFlows = (zone: ModelZone): ZoneFlows => {
    const influent = (phase.influentM3PerDay[zone] / 24) * demand * Math.max(0, perturbation.influentFactor(zone));
    const recycled = influent * rate;
    return { influentM3PerHour: influent, recycledM3PerHour: recycled, tapM3PerHour: recycled * TAP_PER_RECYCLED * Math.max(0, perturbation.tapFactor(zone)) };
  };
  const zones = { zone1: zoneFlows('zone1'), zone2: zoneFlows('zone2') };
  const influent = zones.zone1.influentM3PerHour + zones.zone2.influentM3PerHour;
  return { phase: phase.phase, zones, rejectM3PerHour: Math.max(0, influent * (1 - rate - PROCESS_LOSS_FRACTION)) };
}
