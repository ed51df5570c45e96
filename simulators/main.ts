// The simulator as its own process: publishes the K14 meters and cleanroom counters to the broker at
// MQTT_URL (or the embedded default's address) until SIGINT/SIGTERM.
import { loadConfig, type AppConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { createLogger } from '../core/observability/logger.ts';
import { runMain } from '../core/runtime/run-main.ts';
import { DEFAULT_COUNTER_INTERVAL_MS, DEFAULT_METER_INTERVAL_MS, Simulator } from './simulator.ts';

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  // Before the logger exists: one sentence, no stack trace.
  process.stderr.write(`Cannot start the simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const logger = createLogger(config.logLevel, 'simulator');

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  const simulator = new Simulator({
    url: config.mqtt.url,
    site,
    meterIntervalMs: DEFAULT_METER_INTERVAL_MS,
    counterIntervalMs: DEFAULT_COUNTER_INTERVAL_MS,
    logger,
    username: config.mqtt.username,
    password: config.mqtt.password,
  });
  await simulator.start();
  started({ name: 'simulator', stop: () => simulator.stop() });
});
