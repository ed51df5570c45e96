// The fault suite outside vitest: `npm run test:faults` (short profile) or `npm run test:faults -- --long`
// (tens of minutes), optionally `--only sigkill,outage`. Runs each scenario against its own real
// Mosquitto and InfluxDB, prints every report and a summary table, exits 1 when a condition failed.
import { startFaultEnv, type FaultEnvOptions } from './harness/fault-env.ts';
import type { FaultEnv } from './harness/fault-env.ts';
import { brokerRestartScenario } from './scenarios/broker-restart.ts';
import { duplicateStormScenario } from './scenarios/duplicate-storm.ts';
import { influxOutageScenario } from './scenarios/influx-outage.ts';
import { journalFullScenario } from './scenarios/journal-full.ts';
import { networkFaultsScenario } from './scenarios/network-faults.ts';
import { LONG, SHORT, type Profile } from './scenarios/profile.ts';
import { failedChecks, formatReport, type ScenarioReport } from './scenarios/report.ts';
import { sigkillLoopScenario } from './scenarios/sigkill-loop.ts';
import { sigtermUnderLoadScenario } from './scenarios/sigterm-under-load.ts';

interface Entry {
  readonly key: string;
  readonly env: (p: Profile) => FaultEnvOptions;
  readonly run: (env: FaultEnv, p: Profile) => Promise<ScenarioReport>;
}

const SCENARIOS: readonly Entry[] = [
  { key: 'sigkill', env: (p) => ({ meters: p.sigkill.devices }), run: sigkillLoopScenario },
  { key: 'duplicates', env: (p) => ({ meters: p.duplicates.devices }), run: duplicateStormScenario },
  { key: 'sigterm', env: (p) => ({ meters: p.sigterm.devices }), run: sigtermUnderLoadScenario },
  { key: 'outage', env: (p) => ({ meters: p.outage.devices }), run: influxOutageScenario },
  { key: 'network', env: (p) => ({ meters: p.network.devices }), run: networkFaultsScenario },
  { key: 'broker-persistent', env: (p) => ({ meters: p.broker.devices, persistence: true }), run: brokerRestartScenario(true) },
  { key: 'broker-no-session', env: (p) => ({ meters: p.broker.devices, persistence: false }), run: brokerRestartScenario(false) },
  { key: 'journal-full', env: (p) => ({ meters: p.journalFull.devices }), run: journalFullScenario },
];

const LOSS_FIGURES = ['acknowledged', 'stored', 'missing'] as const;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const profile = args.includes('--long') ? LONG : SHORT;
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : undefined;
  const chosen = SCENARIOS.filter((s) => !only || only.has(s.key));
  if (chosen.length === 0) throw new Error(`--only names none of ${SCENARIOS.map((s) => s.key).join(', ')}`);
  console.info(`fault suite, ${profile.name} profile: ${chosen.map((s) => s.key).join(', ')}`);
  const startedAt = Date.now();
  const reports: ScenarioReport[] = [];
  for (const entry of chosen) {
    const env = await startFaultEnv(entry.env(profile));
    try {
      const report = await entry.run(env, profile);
      reports.push(report);
      console.info(formatReport(report));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      reports.push({ name: entry.key, injected: '(scenario crashed)', figures: {}, checks: [{ what: 'scenario ran to the end', pass: false, detail }], wallMs: 0 });
      console.error(`${entry.key} crashed: ${detail}`);
    } finally {
      await env.stop();
    }
  }
  console.info(`\n${summaryTable(reports)}\n\ntotal wall time ${Math.round((Date.now() - startedAt) / 1000)} s`);
  process.exitCode = reports.some((r) => failedChecks(r).length > 0) ? 1 : 0;
}

function summaryTable(reports: readonly ScenarioReport[]): string {
  const header = ['scenario', 'wall s', ...LOSS_FIGURES, 'checks', 'result'];
  const rows = reports.map((r) => [
    r.name,
    String(Math.round(r.wallMs / 1000)),
    ...LOSS_FIGURES.map((f) => String(r.figures[f] ?? '–')),
    `${r.checks.filter((c) => c.pass).length}/${r.checks.length}`,
    failedChecks(r).length === 0 ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
