// SIGTERM under load: ingest must exit within 30 s with its journal drained into the store or its
// checkpoints saved, and after a restart nothing acknowledged may be missing.
import type { FaultEnv } from '../harness/fault-env.ts';
import { readJournalState } from '../harness/journal-state.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { planRange, sleep } from './scenario-kit.ts';

const EXIT_LIMIT_MS = 30_000;

export async function sigtermUnderLoadScenario(env: FaultEnv, profile: Profile): Promise<ScenarioReport> {
  const { devices, ratePerSecond, loadSeconds, termAfterSeconds } = profile.sigterm;
  const report = new ReportBuilder('SIGTERM under load');
  report.injected = `SIGTERM of ingest after ${termAfterSeconds} s of ${ratePerSecond} msg/s (${devices} devices), restarted at once`;
  const meterIds = env.meterIds.slice(0, devices);
  const messagesPerDevice = Math.round((ratePerSecond * loadSeconds) / devices);
  const plan = new LoadPlan({ meterIds, messagesPerDevice, startMs: Date.now(), intervalMs: Math.max(1, Math.round((devices * 1000) / ratePerSecond)) });
  const range = planRange(plan);
  const ledger = new Ledger();
  const ingest = await env.ingest();
  await ingest.start();
  const publisher = await LoadPublisher.connect(env.mosquitto.url);
  try {
    const publishing = publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond });
    await sleep(termAfterSeconds * 1000);
    const exit = await ingest.signal('SIGTERM', 60_000);
    const journal = readJournalState(ingest.dataDir);
    report.figure('exitAfterMs', exit.afterMs);
    report.figure('exitCode', String(exit.code ?? exit.signal));
    report.figure('journalEndBytes', journal.endPosition);
    report.figure('storeBacklogAtExitBytes', journal.storeBacklogBytes);
    report.check('exits within 30 s', exit.afterMs <= EXIT_LIMIT_MS, `${exit.afterMs} ms`);
    report.check('exits cleanly (code 0)', exit.code === 0, `code ${exit.code}, signal ${exit.signal}`);
    report.check('journal drained or checkpointed', journal.storeCheckpoint <= journal.endPosition && journal.endPosition > 0, `${journal.storeBacklogBytes} bytes left to replay of ${journal.endPosition}`);
    await ingest.start();
    const published = await publishing;
    report.figure('publishRate', published.achievedRatePerSecond);
    const drainStarted = Date.now();
    await waitForStoredCount(env.store, plan.size, range, 120_000).catch(() => {});
    report.figure('drainAfterLastPublishS', (Date.now() - drainStarted) / 1000);
    await sleep(1_000);
    const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);
    report.figure('acknowledged', ledger.distinct);
    report.figure('stored', check.stored);
    report.figure('missing', check.missing);
    report.figure('extra', check.extra);
    report.check('publisher held the rate', published.achievedRatePerSecond >= ratePerSecond * 0.9, `${published.achievedRatePerSecond} msg/s`);
    report.check('0 loss after restart', check.missing === 0 && check.extra === 0 && check.mismatched === 0 && check.stored === ledger.distinct, `${check.stored} stored of ${ledger.distinct}, ${check.missing} missing, ${check.extra} extra, ${check.mismatched} mismatched ${check.examples.join('; ')}`);
  } finally {
    await publisher.close();
    await ingest.stop();
  }
  return report.build();
}
