// Live water KPIs from the live topic: the last minutes of every meter's readings kept in memory,
// the trailing-window KPIs recomputed as readings arrive (throttled) and handed to a listener (the
// websocket 'water' channel). No store round trip, so the live view never waits on a batch write.
import type { MeterReading, Reading } from '../../core/domain/readings.ts';
import type { SiteConfig } from '../../core/domain/site/site-schema.ts';
import { orderedReadings, volumeInWindow, volumeSegments, type MeterReplacement } from '../../core/domain/water/meter-volume.ts';
import type { MeterWindowVolume } from './meter-volumes.ts';
import { buildWaterReport, type WaterReport } from './water-report.ts';

/** A totalizer that dropped with no rollover and no recorded replacement: its total is provisional. */
export interface MeterResetAlarm {
  readonly meterId: string;
  readonly atMs: number;
  readonly beforeM3: number;
  readonly afterM3: number;
}

export interface LiveWaterOptions {
  readonly site: SiteConfig;
  readonly onMeterReset?: (alarm: MeterResetAlarm) => void;
  readonly replacementsOf?: (meterId: string) => readonly MeterReplacement[];
  readonly clock?: () => number;
  readonly windowMs?: number;
  readonly minIntervalMs?: number;
  readonly onUpdate: (report: WaterReport & { flowsM3PerHour: Record<string, number> }) => void;
}

const KEEP_EVERY_MS = 10_000;

export class LiveWater {
  private readonly readings = new Map<string, MeterReading[]>();
  private lastPublishMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly windowMs: number;
  private readonly meters: Map<string, SiteConfig['meters'][number]>;

  constructor(private readonly options: LiveWaterOptions) {
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.meters = new Map(options.site.meters.map((m) => [m.id, m]));
  }

  handle(batch: readonly Reading[]): void {
    let changed = false;
    for (const reading of batch) {
      if (reading.kind !== 'meter') continue;
      const list = this.readings.get(reading.meterId) ?? [];
      this.checkReset(list.at(-1), reading);
      // Keep at most one reading per KEEP_EVERY_MS: totalizer increments between kept readings are
      // exact anyway, and the window's recompute stays small however fast meters report.
      const penultimate = list.at(-2);
      if (penultimate && reading.tsMs - penultimate.tsMs < KEEP_EVERY_MS && reading.tsMs >= list.at(-1)!.tsMs) list[list.length - 1] = reading;
      else list.push(reading);
      this.readings.set(reading.meterId, list);
      changed = true;
    }
    if (changed) this.schedule();
  }

  /** The current live report (also what a newly connected client is sent). */
  current(): WaterReport & { flowsM3PerHour: Record<string, number> } {
    const now = (this.options.clock ?? Date.now)();
    const range = { fromMs: now - this.windowMs, toMs: now };
    const volumes = new Map<string, MeterWindowVolume>();
    const stale = new Set<string>();
    const flows: Record<string, number> = {};
    const staleAfterMs = this.options.site.water.meterStaleAfterMinutes * 60_000;
    for (const meter of this.options.site.meters) {
      const kept = orderedReadings((this.readings.get(meter.id) ?? []).filter((r) => r.tsMs >= range.fromMs - staleAfterMs));
      this.readings.set(meter.id, kept);
      const last = kept.at(-1);
      if (last) flows[meter.id] = last.flowM3PerHour;
      if (!last || last.tsMs < now - staleAfterMs) stale.add(meter.id);
      const segments = volumeSegments(kept, { hasTotalizer: meter.hasTotalizer, totalizerWrapM3: meter.totalizerWrapM3 });
      const window = volumeInWindow(segments, range.fromMs, range.toMs, this.options.site.water.coverageGapMinutes * 60_000);
      volumes.set(meter.id, { meterId: meter.id, volumeMl: window.volumeMl, coveredMs: window.coveredMs, unexplainedResets: window.unexplainedResetsAtMs.length });
    }
    return { ...buildWaterReport(this.options.site, range, volumes, stale), flowsM3PerHour: flows };
  }

  private checkReset(previous: MeterReading | undefined, reading: MeterReading): void {
    const meter = this.meters.get(reading.meterId);
    if (!previous || !meter || previous.tsMs >= reading.tsMs) return;
    const options = { hasTotalizer: meter.hasTotalizer, totalizerWrapM3: meter.totalizerWrapM3, replacements: this.options.replacementsOf?.(meter.id) };
    const [segment] = volumeSegments([previous, reading], options);
    if (segment?.method !== 'unexplained_reset') return;
    this.options.onMeterReset?.({ meterId: meter.id, atMs: reading.tsMs, beforeM3: previous.totalizerM3!, afterM3: reading.totalizerM3! });
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) return;
    const now = (this.options.clock ?? Date.now)();
    const wait = Math.max(0, this.lastPublishMs + (this.options.minIntervalMs ?? 250) - now);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastPublishMs = (this.options.clock ?? Date.now)();
      this.options.onUpdate(this.current());
    }, wait);
  }
}
