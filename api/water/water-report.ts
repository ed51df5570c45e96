// Turns per-meter window volumes into the water report: role volumes and KPIs for the plant and each
// zone, with the provenance a quoted figure needs (meters, formula, method, coverage, resets).
import type { MeterConfig, SiteConfig } from '../../core/domain/site/site-schema.ts';
import { computeKpis, NO_VOLUME, type RoleVolumesMl, type WaterKpis } from '../../core/domain/water/kpis.ts';
import { mlToM3 } from '../../core/domain/water/volume-units.ts';
import type { TimeRange } from '../../core/ports/telemetry-store.ts';
import type { MeterWindowVolume } from './meter-volumes.ts';

export const KPI_FORMULAS = {
  recyclingRate: 'recycled ÷ influent',
  recycledShare: 'recycled ÷ (recycled + tap)',
  reuseFactor: '(recycled + tap) ÷ tap = 1 ÷ (1 − recycled share)',
  balanceGap: '(influent − recycled − reject) ÷ influent',
} as const;

export interface ScopeReport extends WaterKpis {
  readonly volumesM3: Record<keyof RoleVolumesMl, number>;
}

export interface MeterProvenance {
  readonly meterId: string;
  readonly role: MeterConfig['role'];
  readonly zone: string;
  readonly method: 'totalizer' | 'integrated_flow';
  /** Share of the window (since the meter's installation) covered by its readings, 0–1. */
  readonly coverage: number;
  /** An unexplained totalizer reset contributes: the volume is provisional until someone explains it. */
  readonly provisional: boolean;
  readonly unexplainedResets: number;
  readonly stale: boolean;
}

export interface WaterReport {
  readonly fromMs: number;
  readonly toMs: number;
  readonly plant: ScopeReport;
  readonly zones: Record<string, ScopeReport>;
  readonly provisional: boolean;
  readonly formulas: typeof KPI_FORMULAS;
  readonly meters: MeterProvenance[];
}

export function activeMeters(site: SiteConfig, range: TimeRange): MeterConfig[] {
  return site.meters.filter((m) => !m.installedAt || Date.parse(m.installedAt) < range.toMs);
}

export function buildWaterReport(site: SiteConfig, range: TimeRange, volumes: ReadonlyMap<string, MeterWindowVolume>, staleMeterIds: ReadonlySet<string>): WaterReport {
  const meters = activeMeters(site, range);
  const provenance = meters.map((meter) => meterProvenance(meter, range, volumes.get(meter.id), staleMeterIds.has(meter.id)));
  const zones: Record<string, ScopeReport> = {};
  for (const zone of new Set(meters.map((m) => m.zone))) zones[zone] = scopeReport(meters.filter((m) => m.zone === zone), volumes, staleMeterIds);
  return {
    fromMs: range.fromMs,
    toMs: range.toMs,
    plant: scopeReport(meters, volumes, staleMeterIds),
    zones,
    provisional: provenance.some((p) => p.provisional),
    formulas: KPI_FORMULAS,
    meters: provenance,
  };
}

export function roleVolumes(meters: readonly MeterConfig[], volumes: ReadonlyMap<string, MeterWindowVolume>): RoleVolumesMl {
  const sums: { -readonly [K in keyof RoleVolumesMl]: number } = { ...NO_VOLUME };
  for (const meter of meters) sums[meter.role] += volumes.get(meter.id)?.volumeMl ?? 0;
  return sums;
}

function scopeReport(meters: readonly MeterConfig[], volumes: ReadonlyMap<string, MeterWindowVolume>, stale: ReadonlySet<string>): ScopeReport {
  const ml = roleVolumes(meters, volumes);
  const staleByRole: Partial<Record<keyof RoleVolumesMl, string[]>> = {};
  for (const meter of meters) if (stale.has(meter.id)) (staleByRole[meter.role] ??= []).push(meter.id);
  return {
    volumesM3: { influent: mlToM3(ml.influent), recycled: mlToM3(ml.recycled), reject: mlToM3(ml.reject), tap: mlToM3(ml.tap) },
    ...computeKpis({ volumes: ml, staleByRole }),
  };
}

function meterProvenance(meter: MeterConfig, range: TimeRange, volume: MeterWindowVolume | undefined, stale: boolean): MeterProvenance {
  const activeFrom = Math.max(range.fromMs, meter.installedAt ? Date.parse(meter.installedAt) : range.fromMs);
  const resets = volume?.unexplainedResets ?? 0;
  return {
    meterId: meter.id,
    role: meter.role,
    zone: meter.zone,
    method: meter.hasTotalizer ? 'totalizer' : 'integrated_flow',
    coverage: Math.min(1, (volume?.coveredMs ?? 0) / Math.max(1, range.toMs - activeFrom)),
    provisional: resets > 0,
    unexplainedResets: resets,
    stale,
  };
}
