// The water KPIs of DOMAIN.md from role volumes over one window: recycling rate (plant recovery),
// recycled share (campus), reuse factor and water-balance gap. A ratio is null with a reason when it
// cannot be defended (zero denominator, a stale contributing meter), never a guess.

export interface RoleVolumesMl {
  readonly influent: number;
  readonly recycled: number;
  readonly reject: number;
  readonly tap: number;
}

export type RatioReason = 'zero_denominator' | 'stale_meter';

export interface Ratio {
  readonly value: number | null;
  readonly reason?: RatioReason;
  /** The meters whose staleness made the ratio undefendable. */
  readonly staleMeters?: string[];
}

export interface WaterKpis {
  /** recycled ÷ influent */
  readonly recyclingRate: Ratio;
  /** recycled ÷ (recycled + tap) */
  readonly recycledShare: Ratio;
  /** total use ÷ tap intake = 1 ÷ (1 − recycled share) */
  readonly reuseFactor: Ratio;
  /** (influent − recycled − reject) ÷ influent: leaks or a drifting meter */
  readonly balanceGap: Ratio;
}

export interface KpiInputs {
  readonly volumes: RoleVolumesMl;
  /** Stale meters by role: a ratio using a role with a stale meter is null. */
  readonly staleByRole?: Readonly<Partial<Record<keyof RoleVolumesMl, readonly string[]>>>;
}

export function computeKpis({ volumes, staleByRole = {} }: KpiInputs): WaterKpis {
  const v = volumes;
  const stale = (...roles: Array<keyof RoleVolumesMl>) => staleMetersOf(staleByRole, roles);
  return {
    recyclingRate: ratio(v.recycled, v.influent, stale('recycled', 'influent')),
    recycledShare: ratio(v.recycled, v.recycled + v.tap, stale('recycled', 'tap')),
    reuseFactor: ratio(v.recycled + v.tap, v.tap, stale('recycled', 'tap')),
    balanceGap: ratio(v.influent - v.recycled - v.reject, v.influent, stale('influent', 'recycled', 'reject')),
  };
}

function staleMetersOf(staleByRole: NonNullable<KpiInputs['staleByRole']>, roles: ReadonlyArray<keyof RoleVolumesMl>): string[] {
  const meters: string[] = [];
  for (const role of roles) for (const meterId of staleByRole[role] ?? []) meters.push(meterId);
  return meters;
}

function ratio(numerator: number, denominator: number, staleMeters: string[]): Ratio {
  if (staleMeters.length > 0) return { value: null, reason: 'stale_meter', staleMeters };
  if (denominator === 0) return { value: null, reason: 'zero_denominator' };
  return { value: numerator / denominator };
}

export function addRoleVolumes(a: RoleVolumesMl, b: RoleVolumesMl): RoleVolumesMl {
  return { influent: a.influent + b.influent, recycled: a.recycled + b.recycled, reject: a.reject + b.reject, tap: a.tap + b.tap };
}

export const NO_VOLUME: RoleVolumesMl = Object.freeze({ influent: 0, recycled: 0, reject: 0, tap: 0 });
