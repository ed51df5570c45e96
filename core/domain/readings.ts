// Normalised readings: what ingest produces after validation, what the store persists and what the
// engines consume. Identity (for idempotent overwrite) is kind + device + tsMs.

export const QUALITIES = ['good', 'uncertain', 'bad'] as const;
export type Quality = (typeof QUALITIES)[number];

export const METER_ROLES = ['influent', 'recycled', 'reject', 'tap'] as const;
export type MeterRole = (typeof METER_ROLES)[number];

/** Particle size channels, µm, "at or above this size" (cumulative), as devices label them. */
export const SIZE_CHANNELS = ['0.3', '0.5', '1.0', '5.0'] as const;
export type SizeChannel = (typeof SIZE_CHANNELS)[number];

export interface MeterReading {
  readonly kind: 'meter';
  readonly meterId: string;
  /** From the site configuration, carried so stores can tag by role and zone. */
  readonly role: MeterRole;
  readonly zone: string;
  readonly tsMs: number;
  readonly flowM3PerHour: number;
  readonly totalizerM3?: number;
  readonly quality: Quality;
  readonly seq?: number;
}

export interface ParticleSample {
  readonly kind: 'particle';
  readonly roomId: string;
  readonly counterId: string;
  readonly tsMs: number;
  readonly volumeLitres: number;
  /** Cumulative counts at or above each size for the sampled volume; a non-empty subset of channels. */
  readonly counts: Readonly<Partial<Record<SizeChannel, number>>>;
  readonly seq?: number;
}

export type Reading = MeterReading | ParticleSample;

/** Stable device key: one series per meter or per counter. */
export function deviceKey(reading: Reading): string {
  return reading.kind === 'meter' ? `meter/${reading.meterId}` : `pms/${reading.roomId}/${reading.counterId}`;
}

const LITRES_PER_M3 = 1000;

/** Concentration in particles/m³ (ISO 14644-1 unit) from a count over a sampled volume in litres. */
export function concentrationPerM3(count: number, volumeLitres: number): number {
  return (count * LITRES_PER_M3) / volumeLitres;
}
