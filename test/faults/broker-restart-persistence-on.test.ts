// Fault suite, short profile: Mosquitto restarted with persistence: session kept, 0 loss.
import { brokerRestartScenario } from './scenarios/broker-restart.ts';
import { faultTest } from './scenarios/fault-suite.ts';
import { SHORT } from './scenarios/profile.ts';

faultTest({
  title: 'Mosquitto restarted with persistence: session kept, 0 loss',
  env: { meters: SHORT.broker.devices, persistence: true },
  scenario: brokerRestartScenario(true),
  heavy: false,
  timeoutMs: 240_000,
});
