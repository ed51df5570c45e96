// npm run bench [-- --quick] [--only <section>[,<section>]] [--list]: runs the bench sections against
// services it starts itself, prints one table and writes bench/results/<time>.json and latest.json.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { BenchRun } from './bench-run.ts';
import type { BenchSection } from './bench-types.ts';
import { machineInfo } from './machine-info.ts';
import { formatTable, writeResult, type BenchResult } from './report.ts';
import { SECTIONS } from './sections/index.ts';

const USAGE = 'usage: npm run bench -- [--quick] [--only <section>[,<section>…]] [--cpu-prof] [--list]';

function chooseSections(only: string[] | undefined): BenchSection[] {
  if (!only?.length) return [...SECTIONS];
  const names = only.flatMap((o) => o.split(',')).map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`no section ${unknown.map((u) => `"${u}"`).join(', ')}: choose from ${SECTIONS.map((s) => s.name).join(', ')}`);
  return SECTIONS.filter((s) => names.includes(s.name));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true }, list: { type: 'boolean', default: false }, 'cpu-prof': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (values.list) return void process.stdout.write(SECTIONS.map((s) => `${s.name.padEnd(14)} ${s.summary}\n`).join(''));
  const sections = chooseSections(values.only);
  const log = (message: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  const siteFile = fileURLToPath(new URL('../config/site.k14.json', import.meta.url));
  const run = new BenchRun({ quick: values.quick, site: loadSiteConfig(siteFile), siteFile, log, cpuProfile: values['cpu-prof'] });
  const stopOnSignal = (): void => {
    log('interrupted: stopping services');
    void run.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const startedAt = new Date();
  const machine = await machineInfo();
  const failures: { section: string; error: string }[] = [];
  try {
    for (const section of sections) {
      log(`section ${section.name}: ${section.summary}`);
      try {
        await section.run(run.contextFor(section.name));
      } catch (error) {
        log(`section ${section.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        failures.push({ section: section.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    await run.close();
  }
  const finishedAt = new Date();
  const result: BenchResult = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationS: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    mode: values.quick ? 'quick' : 'full',
    // The profiler's own cost is in these figures: compare them with a run without --cpu-prof only.
    cpuProfiles: run.profiler.files,
    sections: sections.map((s) => s.name),
    machine,
    figures: run.figures,
    failures,
    details: run.details,
  };
  const file = writeResult(result);
  process.stdout.write(`\n${formatTable(result)}\nresult: ${file}\n`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(1);
});
