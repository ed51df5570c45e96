// Fault suite, short profile: Mosquitto restarted without persistence: session lost noticed, alarm, seq gaps reported.
import { brokerRestartScenario } from './scenarios/broker-restart.ts';
import { faultTest } from './scenarios/fault-suite.ts';
import { SHORT } from './scenarios/profile.ts';

faultTest({
  title: 'Mosquitto restarted without persistence: session lost noticed, alarm, seq gaps reported',
  env: { meters: SHORT.broker.devices, persistence: false },
  scenario: brokerRestartScenario(false),
  heavy: false,
  timeoutMs: 240_000,
});
