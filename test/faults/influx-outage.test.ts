// Fault suite, short profile: InfluxDB stopped for 2 minutes at 1,000 msg/s.
import { expect } from 'vitest';
import { faultTest } from './scenarios/fault-suite.ts';
import { influxOutageScenario } from './scenarios/influx-outage.ts';
import { SHORT } from './scenarios/profile.ts';

faultTest({
  title: 'InfluxDB stopped for 2 minutes at 1,000 msg/s',
  env: { meters: SHORT.outage.devices },
  scenario: influxOutageScenario,
  heavy: true,
  timeoutMs: 420_000,
  expectations: (report) => {
    expect(report.figures.missing).toBe(0);
    expect(report.figures.outageS).toBeGreaterThanOrEqual(SHORT.outage.outageSeconds);
  },
});
