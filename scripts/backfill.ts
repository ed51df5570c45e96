// Backfills K14 history: npm run backfill -- --from 2015-01-01 --to now --step 15m
// Uses the configured store (SQLite under DATA_DIR, or InfluxDB when INFLUX_URL is set).
import { parseArgs } from 'node:util';
import { openStore } from '../core/adapters/open-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { backfillHistory } from './backfill/history-writer.ts';
import { progressBar } from './backfill/progress-bar.ts';

const STEP_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

function parseTime(value: string, site: { timezone: string }): number {
  if (value === 'now') return Date.now();
  // A bare date is a local (site) calendar day, as PR teams count them.
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) && site.timezone === 'Asia/Taipei' ? Date.parse(`${value}T00:00:00+08:00`) : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`"${value}" is not a date: use 2015-01-01, an ISO-8601 time or "now"`);
  return ms;
}

function parseStep(value: string): number {
  const match = /^(\d+)([smh])$/.exec(value);
  if (!match) throw new Error(`--step "${value}" is not like 15m, 1h or 30s`);
  return Number(match[1]) * STEP_UNITS[match[2]!]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string', default: '2015-01-01' }, to: { type: 'string', default: 'now' }, step: { type: 'string', default: '15m' }, seed: { type: 'string' } } });
  const config = loadConfig();
  const site = loadSiteConfig(config.siteConfigFile);
  const store = await openStore(config.store);
  const bar = progressBar(process.stderr);
  try {
    const result = await backfillHistory({
      store,
      site,
      fromMs: parseTime(values.from!, site),
      toMs: parseTime(values.to!, site),
      stepMs: parseStep(values.step!),
      ...(values.seed ? { seed: Number(values.seed) } : {}),
      faults: { totalizerResetPerMessage: 1 / 100_000 },
      onProgress: bar.update,
    });
    bar.done();
    const rate = Math.round(result.readings / (result.writeMs / 1000));
    process.stdout.write(
      `backfilled ${result.readings} readings in ${(result.writeMs / 1000).toFixed(1)} s (${rate} readings/s), ${result.refused} refused; ` +
        `rollups: ${result.rollup.hoursRolled} hours and ${result.rollup.daysRolled} meter-days in ${(result.rollupMs / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`backfill: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
