// The InfluxDB schema of the telemetry store: measurement, tag and field names, shared by the
// encoder (domain → line protocol) and the decoder (InfluxQL rows → domain).
import type { SizeChannel } from '../../domain/readings.ts';

export const METER_MEASUREMENT = 'meter_reading';
export const PARTICLE_MEASUREMENT = 'particle_sample';
export const DEAD_LETTER_MEASUREMENT = 'dead_letter';

export const METER_TAGS = { meter: 'meter', role: 'role', zone: 'zone' } as const;
export const METER_FIELDS = { flow: 'flow_m3h', totalizer: 'totalizer_m3', quality: 'quality', seq: 'seq' } as const;

export const PARTICLE_TAGS = { room: 'room', counter: 'counter' } as const;
export const PARTICLE_FIELDS = { volume: 'volume_l', seq: 'seq' } as const;

export const DEAD_LETTER_TAGS = { reason: 'reason' } as const;
export const DEAD_LETTER_FIELDS = {
  topic: 'topic',
  detail: 'detail',
  payload: 'payload',
  payloadEncoding: 'payload_encoding',
  payloadBytes: 'payload_bytes',
  truncated: 'truncated',
  status: 'status',
  receivedAtMs: 'received_at_ms',
} as const;

/** Time = startMs. volume_m3 is volume_ml / 10^6 for Grafana; the store reads only the exact integer. */
export const ROLLUP_MEASUREMENT = 'meter_rollup';
export const ROLLUP_TAGS = { meter: 'meter', period: 'period', role: 'role', zone: 'zone' } as const;
export const ROLLUP_FIELDS = {
  volumeMl: 'volume_ml',
  volumeM3: 'volume_m3',
  coveredMs: 'covered_ms',
  /** The sorted method list, comma-joined. */
  methods: 'methods',
  unexplainedResets: 'unexplained_resets',
} as const;

/** Time = atMs, so a replacement recorded again for the same meter and moment overwrites itself. */
export const REPLACEMENT_MEASUREMENT = 'meter_replacement';
export const REPLACEMENT_TAGS = { meter: 'meter' } as const;
export const REPLACEMENT_FIELDS = {
  oldFinalM3: 'old_final_m3',
  newInitialM3: 'new_initial_m3',
  recordedAtMs: 'recorded_at_ms',
  recordedBy: 'recorded_by',
  comment: 'comment',
} as const;

/** Channel '1.0' → field `count_1_0`: dots are awkward in InfluxQL identifiers. */
export function countField(channel: SizeChannel): string {
  return `count_${channel.replace('.', '_')}`;
}

/** Particles/m³ for the channel, derived at write time so dashboards need no maths. */
export function concentrationField(channel: SizeChannel): string {
  return `conc_${channel.replace('.', '_')}`;
}
