// Process lifecycle shared by every entry point: start components in order, stop them in reverse on
// SIGINT/SIGTERM, and turn a fatal start-up problem into one actionable sentence and a non-zero exit.
import type { Logger } from 'pino';

export interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

export interface MainContext {
  readonly logger: Logger;
  /** Registers a started component; components stop in reverse order of registration. */
  started(component: Stoppable): void;
}

const STOP_TIMEOUT_MS = 30_000;

/** Runs a start-up step whose failure is fatal: one actionable sentence on stderr, exit 1. */
export function orExit<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    process.stderr.write(`Cannot start ${what}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

export function runMain(logger: Logger, start: (ctx: MainContext) => Promise<void>): void {
  const components: Stoppable[] = [];
  let stopping = false;

  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const watchdog = setTimeout(() => {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'shutdown took too long; exiting');
      process.exit(exitCode || 1);
    }, STOP_TIMEOUT_MS);
    watchdog.unref();
    for (const component of components.reverse()) {
      try {
        await component.stop();
      } catch (error) {
        logger.error({ err: error, component: component.name }, 'component failed to stop cleanly');
      }
    }
    process.exit(exitCode);
  };

  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  start({ logger, started: (component) => components.push(component) }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Cannot start: ${message}\n`);
    void stopAll(1);
  });
}
