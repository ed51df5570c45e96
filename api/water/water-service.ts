// The water engine's read side: KPIs over a window, KPI series, calendar totals, cumulative tonnage
// and milestones, all from exact per-meter volumes (rollups inside, raw readings at the edges).
import type { SiteConfig } from '../../core/domain/site/site-schema.ts';
import { periodsBetween, type CalendarPeriod } from '../../core/domain/water/local-calendar.ts';
import { volumeSegments, type MeterReplacement } from '../../core/domain/water/meter-volume.ts';
import type { MeterResetAlarm } from './live-water.ts';
import { mlToTonnes } from '../../core/domain/water/volume-units.ts';
import type { RecordedMeterReplacement, TelemetryStore, TimeRange } from '../../core/ports/telemetry-store.ts';
import { meterVolumes, readingsAcross, type VolumeSources } from './meter-volumes.ts';
import { RawReadingsCache } from './raw-readings-cache.ts';
import { RollupCache } from './rollup-cache.ts';
import { activeMeters, buildWaterReport, roleVolumes, type WaterReport } from './water-report.ts';

export interface WaterServiceOptions {
  readonly store: TelemetryStore;
  readonly site: SiteConfig;
  readonly clock: () => number;
}

export interface TonnageReport {
  readonly tonnes: number;
  readonly asOfMs: number;
  readonly openingBalanceTonnes: number;
  readonly measuredTonnes: number;
  readonly densityTonnesPerM3: number;
  readonly meters: string[];
  readonly formula: string;
  readonly provisional: boolean;
  /** Share of the time since commissioning covered by readings of the recycled meters, 0–1. */
  readonly coverage: number;
}

export class WaterService {
  private readonly replacements = new Map<string, MeterReplacement[]>();
  /** Bumped whenever a replacement is recorded: derived figures cached elsewhere are then stale. */
  replacementsVersion = 0;
  readonly sources: VolumeSources;
  private readonly cache: RollupCache;
  private readonly rawCache: RawReadingsCache;

  constructor(private readonly options: WaterServiceOptions) {
    const { site } = options;
    this.cache = new RollupCache(options.store, site.timezone, options.clock);
    this.rawCache = new RawReadingsCache((meterId, range) => readingsAcross(options.store, meterId, range), options.clock);
    this.sources = {
      store: options.store,
      readingsAcross: this.rawCache.readingsAcross,
      sumRollups: (query) => this.cache.sumRollups(query),
      watermarks: () => this.cache.watermarks(),
      timeZone: site.timezone,
      coverageGapMs: site.water.coverageGapMinutes * 60_000,
      replacementsOf: (meterId) => this.replacements.get(meterId) ?? [],
    };
  }

  async start(): Promise<void> {
    this.replacements.clear();
    for (const r of await this.options.store.listMeterReplacements()) this.replacements.set(r.meterId, [...(this.replacements.get(r.meterId) ?? []), r]);
  }

  /** After a rollup run or a recorded replacement: cached sums, watermarks and raw edges are out of date. */
  invalidateCaches(): void {
    this.cache.invalidate();
    this.rawCache.invalidate();
  }

  async recordReplacement(replacement: RecordedMeterReplacement): Promise<void> {
    await this.options.store.writeMeterReplacement(replacement);
    await this.start();
    this.replacementsVersion++;
    this.invalidateCaches();
  }

  now(): number {
    return this.options.clock();
  }

  get site(): SiteConfig {
    return this.options.site;
  }

  async report(range: TimeRange): Promise<WaterReport> {
    const meters = activeMeters(this.options.site, range);
    const watermarks = await this.sources.watermarks();
    const [volumes, stale] = await Promise.all([meterVolumes(this.sources, meters, range, watermarks), this.staleMeters(range)]);
    return buildWaterReport(this.options.site, range, volumes, stale);
  }

  /** One report per bucket of everyMs (aligned to the epoch, which is hour-aligned for Asia/Taipei). */
  async series(range: TimeRange, everyMs: number): Promise<WaterReport[]> {
    const buckets: TimeRange[] = [];
    for (let from = Math.floor(range.fromMs / everyMs) * everyMs; from < range.toMs; from += everyMs) buckets.push({ fromMs: from, toMs: from + everyMs });
    return Promise.all(buckets.map((b) => this.report(b)));
  }

  async totals(period: CalendarPeriod, range: TimeRange): Promise<Array<{ label: string; report: WaterReport }>> {
    const periods = periodsBetween(period, range.fromMs, range.toMs, this.sources.timeZone);
    return Promise.all(periods.map(async (p) => ({ label: p.label, report: await this.report({ fromMs: p.startMs, toMs: Math.min(p.endMs, this.options.clock()) }) })));
  }

  async tonnage(): Promise<TonnageReport> {
    const { site } = this.options;
    const asOfMs = this.options.clock();
    const range = { fromMs: Date.parse(site.commissionedAt), toMs: asOfMs };
    const recycled = activeMeters(site, range).filter((m) => m.role === 'recycled');
    const volumes = await meterVolumes(this.sources, recycled, range, await this.sources.watermarks());
    const density = site.water.densityTonnesPerM3;
    const measuredTonnes = mlToTonnes(roleVolumes(recycled, volumes).recycled, density);
    const openingBalanceTonnes = site.water.openingBalanceM3 * density;
    const covered = [...volumes.values()].reduce((sum, v) => sum + v.coveredMs, 0);
    const activeSpan = recycled.reduce((sum, m) => sum + asOfMs - Math.max(range.fromMs, m.installedAt ? Date.parse(m.installedAt) : range.fromMs), 0);
    return {
      tonnes: openingBalanceTonnes + measuredTonnes,
      asOfMs,
      openingBalanceTonnes,
      measuredTonnes,
      densityTonnesPerM3: density,
      meters: recycled.map((m) => m.id),
      formula: 'opening balance + Σ recycled-meter volume since commissioning × density',
      provisional: [...volumes.values()].some((v) => v.unexplainedResets > 0),
      coverage: activeSpan > 0 ? Math.min(1, covered / activeSpan) : 0,
    };
  }

  /** Unexplained totalizer resets in range, from raw readings: each makes totals over it provisional. */
  async meterResets(range: TimeRange): Promise<MeterResetAlarm[]> {
    const resets: MeterResetAlarm[] = [];
    for (const meter of activeMeters(this.options.site, range).filter((m) => m.hasTotalizer)) {
      const readings = await readingsAcross(this.options.store, meter.id, range);
      const segments = volumeSegments(readings, { hasTotalizer: true, totalizerWrapM3: meter.totalizerWrapM3, replacements: this.sources.replacementsOf(meter.id) });
      segments.forEach((segment, i) => {
        const after = readings[i + 1]!;
        if (segment.method === 'unexplained_reset' && after.tsMs >= range.fromMs && after.tsMs < range.toMs) {
          resets.push({ meterId: meter.id, atMs: after.tsMs, beforeM3: readings[i]!.totalizerM3!, afterM3: after.totalizerM3! });
        }
      });
    }
    return resets.sort((a, b) => a.atMs - b.atMs);
  }

  private async staleMeters(range: TimeRange): Promise<Set<string>> {
    const now = this.options.clock();
    const staleAfterMs = this.options.site.water.meterStaleAfterMinutes * 60_000;
    if (range.toMs < now - staleAfterMs) return new Set();
    const latest = await this.cache.latestReadings();
    const lastSeen = new Map(latest.flatMap((r) => (r.kind === 'meter' ? [[r.meterId, r.tsMs] as const] : [])));
    return new Set(activeMeters(this.options.site, range).filter((m) => (lastSeen.get(m.id) ?? -Infinity) < now - staleAfterMs).map((m) => m.id));
  }
}
