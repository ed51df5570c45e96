// Fault suite, short profile: the journal fills while InfluxDB hangs; ingest stops acknowledging.
import { expect } from 'vitest';
import { faultTest } from './scenarios/fault-suite.ts';
import { journalFullScenario } from './scenarios/journal-full.ts';
import { SHORT } from './scenarios/profile.ts';

faultTest({
  title: 'journal full: stop acknowledging, never drop',
  env: { meters: SHORT.journalFull.devices },
  scenario: journalFullScenario,
  heavy: false,
  timeoutMs: 240_000,
  expectations: (report) => {
    expect(report.figures.missing).toBe(0);
  },
});
