// Assembles the water engine: the read service the routes use and the scheduler that keeps rollups
// current and announces milestones. Callers start() and stop() it with the rest of the API.
import type { Logger } from 'pino';
import type { SiteConfig } from '../../core/domain/site/site-schema.ts';
import type { TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { milestoneReport } from './milestone-service.ts';
import { WaterScheduler, type MilestoneEvent } from './water-scheduler.ts';
import { WaterService } from './water-service.ts';

export interface WaterEngine {
  readonly service: WaterService;
  readonly scheduler: WaterScheduler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWaterEngine(options: { store: TelemetryStore; site: SiteConfig; logger: Logger; clock?: () => number; onMilestone?: (event: MilestoneEvent) => void }): WaterEngine {
  const clock = options.clock ?? Date.now;
  const service = new WaterService({ store: options.store, site: options.site, clock });
  const scheduler = new WaterScheduler({
    store: options.store,
    site: options.site,
    clock,
    logger: options.logger,
    replacementsOf: service.sources.replacementsOf,
    // Through the milestone report, so its crossings (the costly part) are recomputed here, right
    // after the rollups changed, rather than by the first request that asks.
    currentTonnes: async () => (await milestoneReport(service)).currentTonnes,
    stepTonnes: options.site.water.milestoneStepTonnes,
    afterRollups: () => service.invalidateCaches(),
    onMilestone: (event) => {
      options.logger.info(event, 'water milestone crossed');
      options.onMilestone?.(event);
    },
  });
  return {
    service,
    scheduler,
    async start() {
      await service.start();
      scheduler.start();
    },
    stop: () => scheduler.stop(),
  };
}
