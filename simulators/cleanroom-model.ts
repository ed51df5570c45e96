// One room's particle counters as a pure state machine: clean ISO-class baseline with drift and Poisson
// noise, plus chance or forced excursions. step(tsMs, intervalMs) → the samples of that interval.
import type { ParticleSample } from '../core/domain/readings.ts';
import type { CounterConfig, RoomConfig } from '../core/domain/site/site-schema.ts';
import { DOOR_SPREAD_TO_OTHER_COUNTERS, pickExcursionKind, planExcursion, scaleProfile, type ExcursionKind, type ExcursionPlan } from './cleanroom-excursions.ts';
import { baselineConcentrations, isoLimitsPerM3, mapChannels, sampleCounts, type ChannelValues } from './particle-levels.ts';
import { createRng, type Rng } from './random.ts';

export interface CleanroomModelOptions {
  readonly room: RoomConfig;
  readonly seed: number;
  /** Mean time between chance excursions in the room; 0 or Infinity turns them off. */
  readonly meanMinutesBetweenExcursions?: number;
  /** Clean air as a fraction of the class limits at 0.5 and 1 µm. */
  readonly baselineFractionOfLimit?: number;
}

export interface StartedExcursion {
  readonly kind: ExcursionKind;
  readonly roomId: string;
  readonly counterId: string;
  /** Highest added concentration as a fraction of the class limit (0 for a silent counter). */
  readonly peakFractionOfLimit: number;
  readonly samples: number;
}

export interface CleanroomStep {
  readonly samples: ParticleSample[];
  readonly started: StartedExcursion[];
}

/** At a 10 s interval something happens within a few minutes: enough for a live demo. */
export const DEFAULT_MEAN_MINUTES_BETWEEN_EXCURSIONS = 4;
const DEFAULT_BASELINE_FRACTION = 0.1;
/** Log-space AR(1): the room's own slow wander (people, machines), beyond counting noise. */
const DRIFT_MEMORY = 0.9;
const DRIFT_SD = 0.05;

interface CounterState {
  readonly config: CounterConfig;
  /** Gowning entries run dirtier than packaging: a fixed per-counter level. */
  readonly levelFactor: number;
  logDrift: number;
  seq: number;
  excursion: { plan: ExcursionPlan; next: number } | undefined;
}

export class CleanroomModel {
  private readonly room: RoomConfig;
  private readonly rng: Rng;
  private readonly counters: CounterState[];
  private readonly baseline: ChannelValues;
  private readonly limits: ChannelValues;
  private readonly meanMsBetweenExcursions: number;
  private readonly forced: Array<{ kind: ExcursionKind; counterId: string | undefined }> = [];

  constructor(options: CleanroomModelOptions) {
    this.room = options.room;
    this.rng = createRng(options.seed);
    this.baseline = baselineConcentrations(options.room.isoClass, options.baselineFractionOfLimit ?? DEFAULT_BASELINE_FRACTION);
    this.limits = isoLimitsPerM3(options.room.isoClass);
    const minutes = options.meanMinutesBetweenExcursions ?? DEFAULT_MEAN_MINUTES_BETWEEN_EXCURSIONS;
    this.meanMsBetweenExcursions = minutes > 0 ? minutes * 60_000 : Infinity;
    this.counters = options.room.counters.map((config) => ({
      config,
      levelFactor: this.rng.uniform(0.7, 1.3),
      logDrift: 0,
      seq: 0,
      excursion: undefined,
    }));
  }

  /** Starts an excursion at the next step, on the given counter or a random one. */
  forceExcursion(kind: ExcursionKind = 'door-open', counterId?: string): void {
    if (counterId !== undefined && !this.counters.some((c) => c.config.id === counterId)) {
      throw new RangeError(`counter "${counterId}" is not in room "${this.room.id}"`);
    }
    this.forced.push({ kind, counterId });
  }

  /** One sample per reporting counter for the sampled volume of intervalMs; silent counters skip. */
  step(tsMs: number, intervalMs: number): CleanroomStep {
    const started: StartedExcursion[] = [];
    for (const { kind, counterId } of this.forced.splice(0)) {
      const counter = this.counters.find((c) => c.config.id === counterId) ?? this.pickCounter(true);
      if (counter) started.push(this.begin(kind, counter));
    }
    if (this.rng.chance(1 - Math.exp(-intervalMs / this.meanMsBetweenExcursions))) {
      const counter = this.pickCounter(false);
      if (counter) started.push(this.begin(pickExcursionKind(this.rng), counter));
    }
    const samples: ParticleSample[] = [];
    for (const counter of this.counters) {
      const sample = this.sample(counter, tsMs, intervalMs);
      if (sample) samples.push(sample);
    }
    return { samples, started };
  }

  private pickCounter(anyCounter: boolean): CounterState | undefined {
    const candidates = anyCounter ? this.counters : this.counters.filter((c) => c.excursion === undefined);
    return candidates.length === 0 ? undefined : candidates[this.rng.int(candidates.length)];
  }

  private begin(kind: ExcursionKind, counter: CounterState): StartedExcursion {
    const plan = planExcursion(kind, this.rng);
    counter.excursion = { plan, next: 0 };
    if (kind === 'door-open') {
      const diluted = scaleProfile(plan, DOOR_SPREAD_TO_OTHER_COUNTERS);
      for (const other of this.counters) if (other !== counter && other.excursion === undefined) other.excursion = { plan: diluted, next: 0 };
    }
    return { kind, roomId: this.room.id, counterId: counter.config.id, peakFractionOfLimit: Math.max(0, ...plan.profile), samples: plan.profile.length };
  }

  private sample(counter: CounterState, tsMs: number, intervalMs: number): ParticleSample | undefined {
    counter.logDrift = DRIFT_MEMORY * counter.logDrift + this.rng.normal(0, DRIFT_SD);
    const extraFraction = this.advanceExcursion(counter);
    if (extraFraction === undefined) return undefined;
    const level = counter.levelFactor * Math.exp(counter.logDrift);
    const concentrations = mapChannels((channel) => this.baseline[channel] * level + this.limits[channel] * extraFraction);
    // Counters report litres to the millilitre; the counts follow the volume actually reported.
    const volumeLitres = Math.round((counter.config.sampleFlowLitresPerMinute * intervalMs) / 60) / 1000;
    counter.seq += 1;
    return {
      kind: 'particle',
      roomId: this.room.id,
      counterId: counter.config.id,
      tsMs,
      volumeLitres,
      counts: sampleCounts(concentrations, volumeLitres, this.rng),
      seq: counter.seq,
    };
  }

  /** The added fraction of the limit for this sample, or undefined while the counter is silent. */
  private advanceExcursion(counter: CounterState): number | undefined {
    const active = counter.excursion;
    if (!active) return 0;
    const level = active.plan.profile[active.next] ?? 0;
    active.next += 1;
    if (active.next >= active.plan.profile.length) counter.excursion = undefined;
    return active.plan.kind === 'silent' ? undefined : level;
  }
}
