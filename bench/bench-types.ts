// The bench's vocabulary: a section is one file exporting { name, summary, run(ctx) } and records
// figures (one sample per run) on the context; run.ts turns them into the table and the JSON file.
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import type { RunningInfluxd } from '../test/harness/influxd.ts';
import type { RunningMosquitto } from '../test/harness/mosquitto.ts';

export type Comparison = '<' | '<=' | '>=' | '>';

export interface Target {
  readonly op: Comparison;
  readonly value: number;
}

export interface FigureInput {
  /** What was measured, e.g. "sqlite GET /api/water/tonnage p99, 4 conn". */
  readonly name: string;
  /** "ms", "req/s", "readings/s", "s", "count". */
  readonly unit: string;
  /** One value per run; the table shows their median, min and max. */
  readonly samples: readonly number[];
  readonly target?: Target;
  /** A reference point measured in the same run (a floor or a ceiling), not a goal. */
  readonly baseline?: boolean;
  readonly note?: string;
}

export interface Figure extends FigureInput {
  readonly section: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Undefined without a target. */
  readonly met?: boolean;
}

export interface BenchContext {
  /** --quick: shorter ranges, fewer and shorter runs. */
  readonly quick: boolean;
  readonly site: SiteConfig;
  /** Where `site` was read from, for child processes. */
  readonly siteFile: string;
  /** A private temp directory for this bench run, removed at the end. */
  readonly workDir: string;
  /** How many runs a figure gets: `full`, or `quick` (default 1) with --quick. */
  runs(full: number, quick?: number): number;
  record(figure: FigureInput): void;
  /** Raw details for the JSON file (per-run numbers, configuration), under the section's name. */
  detail(key: string, value: unknown): void;
  /** Progress on stderr; the table alone goes to stdout. */
  log(message: string): void;
  /** One Mosquitto and one influxd per bench run, started on first use, stopped at the end. */
  mosquitto(): Promise<RunningMosquitto>;
  influxd(): Promise<RunningInfluxd>;
  /** A value made once per bench run and shared between sections (say backfilled stores). */
  shared<T>(key: string, create: () => Promise<T>): Promise<T>;
  /**
   * Wraps the measured part of a section: with --cpu-prof this process is profiled meanwhile into
   * bench/results/profiles/<section>-<name>.cpuprofile; otherwise it just runs `work`.
   */
  profile<T>(name: string, work: () => Promise<T>): Promise<T>;
  /**
   * Node flags for a process under test that the section starts itself (ingest, the naive consumer):
   * with --cpu-prof it writes into bench/results/profiles/<section>-<name>/ when it exits (one file per
   * thread, the main thread's the largest); else [].
   */
  profileArgs(name: string): string[];
  /** Runs at the end, last registered first. */
  onCleanup(cleanup: () => Promise<void> | void): void;
}

export interface BenchSection {
  readonly name: string;
  /** One line for --list and the README. */
  readonly summary: string;
  run(ctx: BenchContext): Promise<void>;
}
