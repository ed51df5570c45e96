// Scheduled water work (node-cron): the rollup job every hour (and once at start, to catch up after
// downtime), then a milestone check that announces each newly crossed milestone once.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { runRollups, type RollupJobOptions } from './rollup-job.ts';

export interface MilestoneEvent {
  readonly tonnes: number;
  readonly currentTonnes: number;
  readonly atMs: number;
}

export interface WaterSchedulerOptions extends RollupJobOptions {
  readonly logger: Logger;
  readonly currentTonnes: () => Promise<number>;
  readonly stepTonnes: number;
  readonly onMilestone: (event: MilestoneEvent) => void;
  /** After every rollup run, before the milestone check (cache invalidation). */
  readonly afterRollups?: () => void;
  /** Cron expression; default five minutes past every hour. */
  readonly schedule?: string;
}

export class WaterScheduler {
  private task: ScheduledTask | undefined;
  private running: Promise<void> | undefined;
  private announcedTonnes: number | undefined;

  constructor(private readonly options: WaterSchedulerOptions) {}

  start(): void {
    this.task = cron.schedule(this.options.schedule ?? '5 * * * *', () => this.runOnce(), { noOverlap: true });
    void this.runOnce();
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
    await this.running;
  }

  /** Rolls up what is due and checks milestones; concurrent calls share one run. */
  runOnce(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    try {
      const result = await runRollups(this.options);
      logger.info(result, 'water rollups done');
      this.options.afterRollups?.();
      await this.checkMilestones();
    } catch (error) {
      logger.error({ err: error }, 'water rollup run failed; the next run catches up');
    }
  }

  private async checkMilestones(): Promise<void> {
    const { stepTonnes } = this.options;
    const current = await this.options.currentTonnes();
    const reached = Math.floor(current / stepTonnes) * stepTonnes;
    // The first check after a start only learns where we are, so a restart does not announce again.
    if (this.announcedTonnes !== undefined) {
      for (let m = this.announcedTonnes + stepTonnes; m <= reached; m += stepTonnes) {
        this.options.onMilestone({ tonnes: m, currentTonnes: current, atMs: this.options.clock() });
      }
    }
    this.announcedTonnes = Math.max(reached, this.announcedTonnes ?? 0);
  }
}
