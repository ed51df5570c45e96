// ISO 14644-1:2015 airborne-particle class limits: Formula (1) Cn = 10^N × (0.1/D)^2.08, rounded as
// Table 1 rounds it, with Table 1's blank cells (footnotes c, d, e) as "no limit".
import { SIZE_CHANNELS, type SizeChannel } from '../readings.ts';

/** The particle sizes Table 1 lists, µm. */
export const TABLE_1_SIZES_UM = [0.1, 0.2, 0.3, 0.5, 1, 5] as const;

export const MIN_ISO_CLASS = 1;
/** Clause 3.3.2: N shall not exceed 9. */
export const MAX_ISO_CLASS = 9;
/** The formula is defined for threshold sizes from 0.1 µm to 5 µm (clause 1). */
export const MIN_SIZE_UM = 0.1;
export const MAX_SIZE_UM = 5;

/**
 * Why Table 1 leaves a cell blank:
 * c: concentration too high to be applicable; d: too low for sound sampling statistics;
 * e: low concentration and > 1 µm particles lost in the sampling system.
 */
export type NoLimitReason = 'too_high_concentration' | 'too_low_concentration' | 'large_particle_losses';

export type ClassLimit = { readonly perM3: number } | { readonly perM3: null; readonly reason: NoLimitReason };

export type Iso14644ErrorCode = 'ISO_CLASS_OUT_OF_RANGE' | 'PARTICLE_SIZE_OUT_OF_RANGE';

export class Iso14644Error extends Error {
  constructor(
    readonly code: Iso14644ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Iso14644Error';
  }
}

/** Formula (1), unrounded, particles/m³ at or above `sizeUm`. */
export function formulaConcentrationPerM3(isoClass: number, sizeUm: number): number {
  if (!(isoClass >= MIN_ISO_CLASS && isoClass <= MAX_ISO_CLASS)) {
    throw new Iso14644Error('ISO_CLASS_OUT_OF_RANGE', `ISO class ${isoClass} is outside ${MIN_ISO_CLASS}–${MAX_ISO_CLASS}`);
  }
  if (!(sizeUm >= MIN_SIZE_UM && sizeUm <= MAX_SIZE_UM)) {
    throw new Iso14644Error('PARTICLE_SIZE_OUT_OF_RANGE', `particle size ${sizeUm} µm is outside ${MIN_SIZE_UM}–${MAX_SIZE_UM} µm`);
  }
  return 10 ** isoClass * (0.1 / sizeUm) ** 2.08;
}

/**
 * Table 1's rounding: to the nearest whole number, using no more than three significant figures
 * (23 651 → 23 700, 3 520.7 → 3 520, 29.3 → 29). Below 1 000 three figures always reach the units,
 * so rounding once to a whole number avoids rounding twice (2.4996 must give 2, not 3).
 */
export function roundAsTable1(value: number): number {
  return value < 1000 ? Math.round(value) : Number(value.toPrecision(3));
}

/**
 * The class limit at one size, or why the standard sets none. The blank cells follow Table 1 of the
 * 2015 edition; for intermediate classes the same boundaries apply: c above class 6 below 0.5 µm,
 * e below class 6 above 1 µm, d wherever the rounded limit is under 10 particles/m³.
 */
export function classLimit(isoClass: number, sizeUm: number): ClassLimit {
  const perM3 = roundAsTable1(formulaConcentrationPerM3(isoClass, sizeUm));
  if (isoClass > 6 && sizeUm < 0.5) return { perM3: null, reason: 'too_high_concentration' };
  if (isoClass < 6 && sizeUm > 1) return { perM3: null, reason: 'large_particle_losses' };
  if (perM3 < 10) return { perM3: null, reason: 'too_low_concentration' };
  return { perM3 };
}

/** The class limit in particles/m³, or null where the standard sets no limit. */
export function classLimitPerM3(isoClass: number, sizeUm: number): number | null {
  return classLimit(isoClass, sizeUm).perM3;
}

/** A device size channel ("0.3", "1.0", …) as µm. */
export function channelSizeUm(channel: SizeChannel): number {
  return Number(channel);
}

/** The class limit for every device size channel. */
export function classLimitsByChannel(isoClass: number): Record<SizeChannel, number | null> {
  const limits: Partial<Record<SizeChannel, number | null>> = {};
  for (const channel of SIZE_CHANNELS) limits[channel] = classLimitPerM3(isoClass, channelSizeUm(channel));
  return limits as Record<SizeChannel, number | null>;
}
