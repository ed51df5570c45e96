// The storage port both services use. Adapters: SQLite (embedded default) and InfluxDB; one contract
// suite (test/contract) runs unchanged against each.
import type { DeadLetter, DeadLetterReason, DeadLetterStatus } from '../domain/dead-letter.ts';
import type { MeterReading, ParticleSample, Reading } from '../domain/readings.ts';
import type { MeterReplacement } from '../domain/water/meter-volume.ts';
import type { MeterRollup, RollupPeriod } from '../domain/water/rollup.ts';

/** Half-open interval [fromMs, toMs), epoch milliseconds. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RejectedReading {
  readonly reading: Reading;
  /** What the store said, verbatim where it said something. */
  readonly reason: string;
}

export interface WriteResult {
  /** Readings the store refused for good (a 4xx such as a field type conflict); the rest were written. */
  readonly rejected: readonly RejectedReading[];
}

export interface FlowBucket {
  /** Bucket start, aligned to multiples of everyMs since the epoch. */
  readonly startMs: number;
  readonly meanFlowM3PerHour: number;
  readonly lastTotalizerM3: number | null;
  readonly readingCount: number;
}

export interface DeadLetterQuery {
  /** Default 'pending'. */
  readonly status?: DeadLetterStatus | 'all';
  readonly reason?: DeadLetterReason;
  /** Newest first; default 100. */
  readonly limit?: number;
  /** Page on: only letters with an id older than this one. */
  readonly beforeId?: string;
}

export interface TelemetryStore {
  /** Creates schema / checks the server answers. Throws StoreUnavailableError when it cannot. */
  start(): Promise<void>;
  close(): Promise<void>;

  /**
   * Idempotent: a reading with the same kind, device and tsMs overwrites the earlier one.
   * Throws StoreUnavailableError for transient failures (the caller retries the whole batch);
   * readings refused for good come back in `rejected` and everything else is stored.
   */
  writeReadings(readings: readonly Reading[]): Promise<WriteResult>;
  /** Idempotent on id: writing a letter again (say with status 'replayed') overwrites it. */
  writeDeadLetters(letters: readonly DeadLetter[]): Promise<void>;

  /** Ascending by time. */
  readMeterReadings(meterId: string, range: TimeRange): Promise<MeterReading[]>;
  /** Ascending by time; all counters of the room unless counterId is given. */
  readParticleSamples(filter: { roomId: string; counterId?: string }, range: TimeRange): Promise<ParticleSample[]>;
  /** Buckets with at least one reading, ascending. */
  aggregateMeterFlow(meterId: string, range: TimeRange, everyMs: number): Promise<FlowBucket[]>;
  countReadings(kind: Reading['kind'], range: TimeRange): Promise<number>;
  /** The newest reading of every meter and every counter. */
  latestReadings(): Promise<Reading[]>;
  listDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]>;

  /**
   * The meter's last reading before range.fromMs and its first at or after range.toMs, when they exist
   * within BOUNDING_READING_MAX_DISTANCE_MS of the range (an unbounded search scans every shard).
   */
  boundingMeterReadings(meterId: string, range: TimeRange): Promise<{ before?: MeterReading; after?: MeterReading }>;

  /** Idempotent on (period, meterId, startMs): a re-rolled period overwrites its rollup. */
  writeRollups(rollups: readonly MeterRollup[]): Promise<void>;
  /** Rollups whose startMs is in range, ascending by startMs then meterId; all meters unless meterIds is given. */
  readRollups(query: RollupQuery): Promise<MeterRollup[]>;
  /** Per meter, the sums over the rollups whose startMs is in range (meters without rollups there are absent). */
  sumRollups(query: RollupQuery): Promise<RollupSum[]>;
  /** startMs of the newest rollup of the period, over all meters. */
  latestRollupStart(period: RollupPeriod): Promise<number | undefined>;

  /** Idempotent on (meterId, atMs). */
  writeMeterReplacement(replacement: RecordedMeterReplacement): Promise<void>;
  /** Ascending by atMs; all meters unless meterId is given. */
  listMeterReplacements(meterId?: string): Promise<RecordedMeterReplacement[]>;
}

/** A meter silent for longer than this is not bridged: the gap shows as missing coverage instead. */
export const BOUNDING_READING_MAX_DISTANCE_MS = 35 * 86_400_000;

export interface RollupQuery {
  readonly period: RollupPeriod;
  readonly range: TimeRange;
  readonly meterIds?: readonly string[];
}

export interface RollupSum {
  readonly meterId: string;
  readonly volumeMl: number;
  readonly coveredMs: number;
  readonly rollupCount: number;
  readonly unexplainedResets: number;
}

export interface RecordedMeterReplacement extends MeterReplacement {
  readonly recordedAtMs: number;
  readonly recordedBy: string;
  readonly comment: string;
}

/** The store cannot be reached or failed transiently; nothing of the batch may be assumed written. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
