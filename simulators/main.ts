// The simulator as its own process: publishes the K14 meters and cleanroom counters to the broker at
// MQTT_URL (or the embedded default's address) until SIGINT/SIGTERM.
import { loadConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { createLogger } from '../core/observability/logger.ts';
import { orExit, runMain } from '../core/runtime/run-main.ts';
import { Simulator, simulatorOptions } from './simulator.ts';

const config = orExit('the simulator', () => loadConfig());
const logger = createLogger(config.logLevel, 'simulator');

runMain(logger, async ({ started }) => {
  const site = loadSiteConfig(config.siteConfigFile);
  const simulator = new Simulator({
    url: config.mqtt.url,
    site,
    ...simulatorOptions(config.simulator),
    logger,
    username: config.mqtt.username,
    password: config.mqtt.password,
    caFile: config.mqtt.caFile,
  });
  await simulator.start();
  started({ name: 'simulator', stop: () => simulator.stop() });
});
