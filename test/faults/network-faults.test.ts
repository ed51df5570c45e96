// Fault suite, short profile: resets, refusals and stalls between ingest and the broker / InfluxDB.
import { expect } from 'vitest';
import { faultTest } from './scenarios/fault-suite.ts';
import { networkFaultsScenario } from './scenarios/network-faults.ts';
import { SHORT } from './scenarios/profile.ts';

faultTest({
  title: 'connection resets and stalls through the fault proxy',
  env: { meters: SHORT.network.devices },
  scenario: networkFaultsScenario,
  heavy: false,
  timeoutMs: 240_000,
  expectations: (report) => {
    expect(report.figures.missing).toBe(0);
    expect(report.figures.sessionLostTotal).toBe(0);
  },
});
