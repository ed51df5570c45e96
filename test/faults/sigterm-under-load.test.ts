// Fault suite, short profile: SIGTERM of ingest under 2,000 msg/s, then a restart.
import { expect } from 'vitest';
import { faultTest } from './scenarios/fault-suite.ts';
import { SHORT } from './scenarios/profile.ts';
import { sigtermUnderLoadScenario } from './scenarios/sigterm-under-load.ts';

faultTest({
  title: 'ingest SIGTERM under 2,000 msg/s',
  env: { meters: SHORT.sigterm.devices },
  scenario: sigtermUnderLoadScenario,
  heavy: true,
  timeoutMs: 240_000,
  expectations: (report) => {
    expect(report.figures.missing).toBe(0);
    expect(report.figures.exitAfterMs).toBeLessThanOrEqual(30_000);
  },
});
