// Fault suite, short profile: ingest SIGKILLed every 2 s ±1 s under 100 devices × 1,000 messages.
import { expect } from 'vitest';
import { faultTest } from './scenarios/fault-suite.ts';
import { SHORT } from './scenarios/profile.ts';
import { sigkillLoopScenario } from './scenarios/sigkill-loop.ts';

faultTest({
  title: 'ingest SIGKILL loop (Mosquitto + InfluxDB)',
  env: { meters: SHORT.sigkill.devices },
  scenario: sigkillLoopScenario,
  heavy: true,
  timeoutMs: 300_000,
  expectations: (report) => {
    expect(report.figures.stored).toBe(100_000);
    expect(report.figures.missing).toBe(0);
    expect(report.figures.extra).toBe(0);
  },
});
