// The site's flow meters as a pure state machine: step(tsMs, dtMs) → one reading per installed meter,
// with exact totalizers (integer millilitres inside, litre resolution out), roll-over and seq.
import type { MeterReading, Quality } from '../core/domain/readings.ts';
import type { MeterConfig, SiteConfig } from '../core/domain/site/site-schema.ts';
import { plantFlowsAt } from './k14-plant-model.ts';
import { createMeterFlowMapper, type MeterFlowMapper } from './meter-flows.ts';
import { createRng, type Rng } from './random.ts';

const HOUR_MS = 3_600_000;
const ML_PER_M3 = 1_000_000;
const ML_PER_LITRE = 1_000;
const LITRES_PER_M3 = 1_000;

/** Injected faults, as a probability per message and meter; all off by default. */
export interface MeterFaultRates {
  /** The totalizer drops to 0 with no replacement recorded: the ingest must not count it as negative volume. */
  readonly totalizerResetPerMessage?: number;
  /** The meter flags its own reading as uncertain (air in the pipe, low signal). */
  readonly uncertainPerMessage?: number;
}

export interface MeterFleetOptions {
  readonly site: SiteConfig;
  readonly seed: number;
  readonly faults?: MeterFaultRates;
  /** Totalizer values (m³) to start from, e.g. continuing a backfilled history; otherwise 0. */
  readonly initialTotalizersM3?: ReadonlyMap<string, number>;
  /** Relative standard deviation of the meter's own measurement noise on the reported flow. */
  readonly flowNoiseFraction?: number;
}

interface MeterState {
  readonly config: MeterConfig;
  readonly wrapMl: number | undefined;
  totalMl: number;
  /** The fraction of a millilitre not yet on the totalizer, so no volume is lost to rounding. */
  carryMl: number;
  seq: number;
  lastTsMs: number | undefined;
  lastFlowM3PerHour: number;
}

const DEFAULT_FLOW_NOISE = 0.005;

export class MeterFleet {
  private readonly states = new Map<string, MeterState>();
  private readonly mapper: MeterFlowMapper;
  private readonly rng: Rng;
  private readonly seed: number;
  private readonly faults: Required<MeterFaultRates>;
  private readonly flowNoise: number;

  constructor(options: MeterFleetOptions) {
    this.mapper = createMeterFlowMapper(options.site);
    this.seed = options.seed;
    this.rng = createRng(options.seed);
    this.faults = { totalizerResetPerMessage: 0, uncertainPerMessage: 0, ...options.faults };
    this.flowNoise = options.flowNoiseFraction ?? DEFAULT_FLOW_NOISE;
    for (const config of options.site.meters) {
      const wrapMl = config.totalizerWrapM3 === undefined ? undefined : Math.round(config.totalizerWrapM3 * ML_PER_M3);
      const initialMl = Math.round((options.initialTotalizersM3?.get(config.id) ?? 0) * ML_PER_M3);
      const totalMl = wrapMl === undefined ? initialMl : initialMl % wrapMl;
      this.states.set(config.id, { config, wrapMl, totalMl, carryMl: 0, seq: 0, lastTsMs: undefined, lastFlowM3PerHour: 0 });
    }
  }

  /** Readings of every meter installed at tsMs; the totalizers advance by the volume of the last dtMs. */
  step(tsMs: number, dtMs: number): MeterReading[] {
    const flows = this.mapper.flowsAt(plantFlowsAt(tsMs, this.seed), tsMs);
    const readings: MeterReading[] = [];
    for (const meter of this.mapper.installedAt(tsMs)) {
      const state = this.states.get(meter.id);
      if (!state) continue;
      const flow = flows.get(meter.id) ?? 0;
      this.advanceTotalizer(state, tsMs, dtMs, flow);
      readings.push(this.readingOf(state, tsMs, flow));
    }
    return readings;
  }

  /** The totalizer value a meter would report now (m³), for tests and hand-over to a live run. */
  totalizerM3(meterId: string): number | undefined {
    const state = this.states.get(meterId);
    return state?.config.hasTotalizer ? toReportedM3(state.totalMl) : undefined;
  }

  private advanceTotalizer(state: MeterState, tsMs: number, dtMs: number, flow: number): void {
    // Trapezoid over the interval; the first step after start has no earlier flow, so uses the current.
    const previous = state.lastTsMs === tsMs - dtMs ? state.lastFlowM3PerHour : flow;
    const volumeMl = (((previous + flow) / 2) * Math.max(0, dtMs) * ML_PER_M3) / HOUR_MS + state.carryMl;
    const wholeMl = Math.floor(volumeMl);
    state.carryMl = volumeMl - wholeMl;
    state.totalMl += wholeMl;
    if (state.wrapMl !== undefined && state.totalMl >= state.wrapMl) state.totalMl %= state.wrapMl;
    if (this.faults.totalizerResetPerMessage > 0 && this.rng.chance(this.faults.totalizerResetPerMessage)) state.totalMl = 0;
    state.lastTsMs = tsMs;
    state.lastFlowM3PerHour = flow;
  }

  private readingOf(state: MeterState, tsMs: number, flow: number): MeterReading {
    const measured = Math.max(0, flow * (1 + this.flowNoise * this.rng.normal()));
    const uncertain = this.faults.uncertainPerMessage > 0 && this.rng.chance(this.faults.uncertainPerMessage);
    const quality: Quality = uncertain ? 'uncertain' : 'good';
    state.seq += 1;
    return {
      kind: 'meter',
      meterId: state.config.id,
      role: state.config.role,
      zone: state.config.zone,
      tsMs,
      flowM3PerHour: Math.round(measured * 1000) / 1000,
      ...(state.config.hasTotalizer ? { totalizerM3: toReportedM3(state.totalMl) } : {}),
      quality,
      seq: state.seq,
    };
  }
}

/** Litre resolution, as a register shows it: never rounds up past what has flowed. */
function toReportedM3(totalMl: number): number {
  return Math.floor(totalMl / ML_PER_LITRE) / LITRES_PER_M3;
}
