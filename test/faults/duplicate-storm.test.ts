// Fault suite, short profile: 10,000 messages replayed three times with forced reconnects.
import { expect } from 'vitest';
import { duplicateStormScenario } from './scenarios/duplicate-storm.ts';
import { faultTest } from './scenarios/fault-suite.ts';
import { SHORT } from './scenarios/profile.ts';

faultTest({
  title: 'duplicate storm (Mosquitto + InfluxDB + API)',
  env: { meters: SHORT.duplicates.devices },
  scenario: duplicateStormScenario,
  heavy: false,
  timeoutMs: 240_000,
  expectations: (report) => {
    expect(report.figures.stored).toBe(10_000);
    expect(report.figures.tonnesAfter).toBe(report.figures.tonnesBefore);
  },
});
