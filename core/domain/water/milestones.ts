// PR milestones: round cumulative tonnages, the moment each was crossed (interpolated linearly
// between cumulative points) and a projection of the next ones from the trailing rate.

export interface CumulativePoint {
  readonly atMs: number;
  readonly tonnes: number;
}

export interface Crossing {
  readonly tonnes: number;
  readonly crossedAtMs: number;
}

/** Milestones at multiples of stepTonnes crossed between consecutive points (ascending by time). */
export function milestoneCrossings(points: readonly CumulativePoint[], stepTonnes: number): Crossing[] {
  const crossings: Crossing[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    for (let m = Math.floor(a.tonnes / stepTonnes + 1) * stepTonnes; m <= b.tonnes; m += stepTonnes) {
      crossings.push({ tonnes: m, crossedAtMs: interpolateTime(a, b, m) });
    }
  }
  return crossings;
}

function interpolateTime(a: CumulativePoint, b: CumulativePoint, tonnes: number): number {
  if (b.tonnes === a.tonnes) return b.atMs;
  return Math.round(a.atMs + ((tonnes - a.tonnes) / (b.tonnes - a.tonnes)) * (b.atMs - a.atMs));
}

export interface Projection {
  readonly tonnes: number;
  /** null when the trailing rate is zero or so small that the date lies beyond PROJECTION_HORIZON_MS. */
  readonly projectedAtMs: number | null;
}

/**
 * A plant idle for most of the trailing window projects its next milestone centuries (or past the end
 * of any calendar) away; nobody can quote such a date, so past a century there is no projection.
 */
export const PROJECTION_HORIZON_MS = 100 * 365.25 * 86_400_000;

/** The next `count` milestones after the current total, projected at the trailing rate (t per ms). */
export function projectMilestones(current: CumulativePoint, ratePerMs: number, stepTonnes: number, count: number): Projection[] {
  const first = Math.floor(current.tonnes / stepTonnes + 1) * stepTonnes;
  return Array.from({ length: count }, (_, i) => {
    const tonnes = first + i * stepTonnes;
    return { tonnes, projectedAtMs: projectedTime(current, ratePerMs, tonnes) };
  });
}

function projectedTime(current: CumulativePoint, ratePerMs: number, tonnes: number): number | null {
  if (!(ratePerMs > 0)) return null;
  const aheadMs = (tonnes - current.tonnes) / ratePerMs;
  return aheadMs <= PROJECTION_HORIZON_MS ? Math.round(current.atMs + aheadMs) : null;
}
