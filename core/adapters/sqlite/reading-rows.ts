// Row shapes of meter_readings and particle_samples and their mapping to and from domain readings.
// Optional fields are NULL columns; a NULL comes back as an absent property, never as undefined.
import type { MeterReading, MeterRole, ParticleSample, Quality, SizeChannel } from '../../domain/readings.ts';
import { SIZE_CHANNELS } from '../../domain/readings.ts';

export interface MeterRow {
  readonly meter_id: string;
  readonly ts_ms: number;
  readonly role: MeterRole;
  readonly zone: string;
  readonly flow_m3h: number;
  readonly totalizer_m3: number | null;
  readonly quality: Quality;
  readonly seq: number | null;
}

export interface ParticleRow {
  readonly room_id: string;
  readonly counter_id: string;
  readonly ts_ms: number;
  readonly volume_l: number;
  readonly count_0_3: number | null;
  readonly count_0_5: number | null;
  readonly count_1_0: number | null;
  readonly count_5_0: number | null;
  readonly seq: number | null;
}

type CountColumn = 'count_0_3' | 'count_0_5' | 'count_1_0' | 'count_5_0';

const COUNT_COLUMNS: Readonly<Record<SizeChannel, CountColumn>> = {
  '0.3': 'count_0_3',
  '0.5': 'count_0_5',
  '1.0': 'count_1_0',
  '5.0': 'count_5_0',
};

export function toMeterRow(reading: MeterReading): MeterRow {
  return {
    meter_id: reading.meterId,
    ts_ms: reading.tsMs,
    role: reading.role,
    zone: reading.zone,
    flow_m3h: reading.flowM3PerHour,
    totalizer_m3: reading.totalizerM3 ?? null,
    quality: reading.quality,
    seq: reading.seq ?? null,
  };
}

export function fromMeterRow(row: MeterRow): MeterReading {
  const reading: { -readonly [K in keyof MeterReading]: MeterReading[K] } = {
    kind: 'meter',
    meterId: row.meter_id,
    role: row.role,
    zone: row.zone,
    tsMs: row.ts_ms,
    flowM3PerHour: row.flow_m3h,
    quality: row.quality,
  };
  if (row.totalizer_m3 !== null) reading.totalizerM3 = row.totalizer_m3;
  if (row.seq !== null) reading.seq = row.seq;
  return reading;
}

export function toParticleRow(sample: ParticleSample): ParticleRow {
  return {
    room_id: sample.roomId,
    counter_id: sample.counterId,
    ts_ms: sample.tsMs,
    volume_l: sample.volumeLitres,
    count_0_3: sample.counts['0.3'] ?? null,
    count_0_5: sample.counts['0.5'] ?? null,
    count_1_0: sample.counts['1.0'] ?? null,
    count_5_0: sample.counts['5.0'] ?? null,
    seq: sample.seq ?? null,
  };
}

export function fromParticleRow(row: ParticleRow): ParticleSample {
  const counts: Partial<Record<SizeChannel, number>> = {};
  for (const channel of SIZE_CHANNELS) {
    const count = row[COUNT_COLUMNS[channel]];
    if (count !== null) counts[channel] = count;
  }
  const sample: { -readonly [K in keyof ParticleSample]: ParticleSample[K] } = {
    kind: 'particle',
    roomId: row.room_id,
    counterId: row.counter_id,
    tsMs: row.ts_ms,
    volumeLitres: row.volume_l,
    counts,
  };
  if (row.seq !== null) sample.seq = row.seq;
  return sample;
}
