// The disturbances a cleanroom demo needs to show: a door held open (a rise over a few samples above
// the action level, then decay), a gowning fault (a one-sample spike), a counter going silent.
import type { Rng } from './random.ts';

export const EXCURSION_KINDS = ['door-open', 'gowning-fault', 'silent'] as const;
export type ExcursionKind = (typeof EXCURSION_KINDS)[number];

/** How often each kind turns up by chance: doors most, silent counters least. */
const KIND_WEIGHTS: Readonly<Record<ExcursionKind, number>> = { 'door-open': 0.5, 'gowning-fault': 0.3, silent: 0.2 };

/** Corridor air reaches the other counters of the room diluted. */
export const DOOR_SPREAD_TO_OTHER_COUNTERS = 0.25;

export interface ExcursionPlan {
  readonly kind: ExcursionKind;
  /**
   * One entry per coming sample: the added concentration as a fraction of the class limit at each
   * size (door-open, gowning-fault), or a skipped sample (silent, where entries are 0).
   */
  readonly profile: readonly number[];
}

export function pickExcursionKind(rng: Rng): ExcursionKind {
  let draw = rng.next();
  for (const kind of EXCURSION_KINDS) {
    draw -= KIND_WEIGHTS[kind];
    if (draw < 0) return kind;
  }
  return 'door-open';
}

export function planExcursion(kind: ExcursionKind, rng: Rng): ExcursionPlan {
  if (kind === 'door-open') return { kind, profile: doorOpenProfile(rng) };
  if (kind === 'gowning-fault') {
    // Peak ≥ 1.2 × limit so the spike clearly crosses action; one trailing sample of dust settling.
    const peak = rng.uniform(1.2, 3);
    return { kind, profile: [peak, peak * 0.25] };
  }
  return { kind, profile: new Array<number>(3 + rng.int(4)).fill(0) };
}

/**
 * Rise over 2–4 samples, a plateau of 3–5 samples at 1.3–2.2 × the limit (long enough for an alarm
 * delay of three consecutive samples), then an exponential decay as the room air is replaced.
 */
function doorOpenProfile(rng: Rng): number[] {
  const peak = rng.uniform(1.3, 2.2);
  const riseSamples = 2 + rng.int(3);
  const holdSamples = 3 + rng.int(3);
  const decay = rng.uniform(0.45, 0.6);
  const profile: number[] = [];
  for (let i = 1; i <= riseSamples; i += 1) profile.push((peak * i) / (riseSamples + 1));
  for (let i = 0; i < holdSamples; i += 1) profile.push(peak);
  for (let level = peak * decay; level > 0.02; level *= decay) profile.push(level);
  return profile;
}

export function scaleProfile(plan: ExcursionPlan, factor: number): ExcursionPlan {
  return { kind: plan.kind, profile: plan.profile.map((level) => level * factor) };
}
