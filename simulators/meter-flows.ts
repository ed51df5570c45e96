// Plant streams → the site's meters: which meter sees which share of which stream, and when a meter
// exists at all (installedAt, else the site's commissioning). Pure.
import type { MeterConfig, SiteConfig } from '../core/domain/site/site-schema.ts';
import { demandFactor, meanPlantFlowsAt, MODEL_ZONES, type ModelZone, type PlantFlows } from './k14-plant-model.ts';

const HOUR_MS = 3_600_000;
/** A meter in a zone the K14 model does not know runs at this share of its nominal flow. */
const UNMODELLED_UTILISATION = 0.6;

export interface MeterFlowMapper {
  /** Meters that exist at tsMs, in site order. */
  installedAt(tsMs: number): readonly MeterConfig[];
  /** Flow (m³/h) of every installed meter at tsMs; meters sharing a stream split it by nominal flow. */
  flowsAt(flows: PlantFlows, tsMs: number): Map<string, number>;
}

export function createMeterFlowMapper(site: SiteConfig): MeterFlowMapper {
  const commissionedMs = Date.parse(site.commissionedAt);
  const meters = site.meters.map((meter) => ({ meter, sinceMs: meter.installedAt ? Date.parse(meter.installedAt) : commissionedMs }));
  const installedAt = (tsMs: number): MeterConfig[] => meters.filter((m) => tsMs >= m.sinceMs).map((m) => m.meter);

  return {
    installedAt,
    flowsAt(flows, tsMs) {
      const installed = installedAt(tsMs);
      const groupWeight = new Map<string, number>();
      for (const meter of installed) groupWeight.set(streamOf(meter), (groupWeight.get(streamOf(meter)) ?? 0) + weightOf(meter));
      const result = new Map<string, number>();
      for (const meter of installed) {
        const stream = streamFlow(meter, flows, tsMs);
        const share = stream.split ? weightOf(meter) / (groupWeight.get(streamOf(meter)) ?? 1) : 1;
        result.set(meter.id, stream.flowM3PerHour * share);
      }
      return result;
    },
  };
}

/** Reject leaves the plant as one stream whatever the meter's zone; the others are per zone. */
function streamOf(meter: MeterConfig): string {
  return meter.role === 'reject' ? 'reject' : `${meter.role}/${meter.zone}`;
}

function weightOf(meter: MeterConfig): number {
  return meter.nominalFlowM3PerHour ?? 1;
}

function isModelZone(zone: string): zone is ModelZone {
  return (MODEL_ZONES as readonly string[]).includes(zone);
}

function streamFlow(meter: MeterConfig, flows: PlantFlows, tsMs: number): { flowM3PerHour: number; split: boolean } {
  if (meter.role === 'reject') return { flowM3PerHour: flows.rejectM3PerHour, split: true };
  if (!isModelZone(meter.zone)) {
    const running = flows.phase === 0 ? 0 : UNMODELLED_UTILISATION * demandFactor(tsMs);
    return { flowM3PerHour: (meter.nominalFlowM3PerHour ?? 0) * running, split: false };
  }
  const zone = flows.zones[meter.zone];
  const byRole = { influent: zone.influentM3PerHour, recycled: zone.recycledM3PerHour, tap: zone.tapM3PerHour };
  return { flowM3PerHour: byRole[meter.role], split: true };
}

/**
 * Expected volume (m³) each meter has registered from its installation until untilMs, by the midpoint
 * rule on the mean flows: where a live run's totalizers start so they continue a backfilled history.
 */
export function meanVolumesSinceInstallM3(site: SiteConfig, untilMs: number, stepMs = HOUR_MS): Map<string, number> {
  const mapper = createMeterFlowMapper(site);
  const volumes = new Map<string, number>(site.meters.map((m) => [m.id, 0]));
  const startMs = Date.parse(site.commissionedAt);
  for (let t = startMs; t < untilMs; t += stepMs) {
    const widthMs = Math.min(stepMs, untilMs - t);
    const midMs = t + widthMs / 2;
    for (const [id, flow] of mapper.flowsAt(meanPlantFlowsAt(midMs), midMs)) {
      volumes.set(id, (volumes.get(id) ?? 0) + (flow * widthMs) / HOUR_MS);
    }
  }
  return volumes;
}
