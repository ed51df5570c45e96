// One bench run's state: the figures and details sections record, the services and shared values they
// reuse (started once, on first use) and the clean-ups that run at the end whatever happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import { startInfluxd, type RunningInfluxd } from '../test/harness/influxd.ts';
import { startMosquitto, type RunningMosquitto } from '../test/harness/mosquitto.ts';
import type { BenchContext, Figure } from './bench-types.ts';
import { createCpuProfiler, type CpuProfiler } from './cpu-profiler.ts';
import { meets, summarise } from './stats.ts';

export interface BenchRunOptions {
  readonly quick: boolean;
  readonly site: SiteConfig;
  readonly siteFile: string;
  readonly log: (message: string) => void;
  /** --cpu-prof: sections' measured parts are profiled. */
  readonly cpuProfile: boolean;
}

export class BenchRun {
  readonly figures: Figure[] = [];
  readonly details: Record<string, Record<string, unknown>> = {};
  readonly workDir = mkdtempSync(path.join(tmpdir(), 'k14-bench-'));
  private readonly sharedValues = new Map<string, Promise<unknown>>();
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  readonly profiler: CpuProfiler;

  constructor(private readonly options: BenchRunOptions) {
    this.profiler = createCpuProfiler(options.cpuProfile, options.log);
  }

  /** The context a section sees: what it records is filed under its name. */
  contextFor(section: string): BenchContext {
    const { quick, site, siteFile, log } = this.options;
    return {
      quick,
      site,
      siteFile,
      workDir: this.workDir,
      runs: (full, quickRuns = 1) => (quick ? quickRuns : full),
      record: (figure) => {
        const summary = summarise(figure.samples);
        this.figures.push({ ...figure, section, ...summary, ...(figure.target ? { met: meets(summary.median, figure.target) } : {}) });
      },
      detail: (key, value) => {
        (this.details[section] ??= {})[key] = value;
      },
      log: (message) => log(`[${section}] ${message}`),
      mosquitto: () => this.shared('mosquitto', () => this.started(startMosquitto())),
      influxd: () => this.shared('influxd', () => this.started(startInfluxd({ database: 'k14_bench' }))),
      shared: (key, create) => this.shared(key, create),
      profile: (name, work) => this.profiler.profile(`${section}-${name}`, work),
      profileArgs: (name) => this.profiler.childArgs(`${section}-${name}`),
      onCleanup: (cleanup) => this.cleanups.push(cleanup),
    };
  }

  /** Runs every clean-up (last first), then removes the work directory; failures are only logged. */
  async close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        this.options.log(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private shared<T>(key: string, create: () => Promise<T>): Promise<T> {
    let value = this.sharedValues.get(key) as Promise<T> | undefined;
    if (value === undefined) {
      value = create();
      this.sharedValues.set(key, value);
    }
    return value;
  }

  private async started<T extends RunningMosquitto | RunningInfluxd>(starting: Promise<T>): Promise<T> {
    const service = await starting;
    this.cleanups.push(() => service.stop());
    return service;
  }
}
