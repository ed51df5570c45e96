// Journal full: InfluxDB hangs (SIGSTOP) with a small JOURNAL_MAX_BYTES, so the journal fills. Ingest
// must stop acknowledging rather than drop; the broker holds the rest (the devices still get their
// PUBACKs from it); once InfluxDB is back everything drains and nothing is silently lost.
import type { FaultEnv } from '../harness/fault-env.ts';
import { IngestMonitor } from '../harness/ingest-monitor.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { planRange, readMetric, sleep } from './scenario-kit.ts';

const HOLD_FULL_MS = 10_000;

export async function journalFullScenario(env: FaultEnv, profile: Profile): Promise<ScenarioReport> {
  const { devices, ratePerSecond, loadSeconds, journalMaxBytes } = profile.journalFull;
  const report = new ReportBuilder('journal full');
  report.injected = `influxd paused (SIGSTOP) with JOURNAL_MAX_BYTES=${journalMaxBytes} until the journal is full, held full ${HOLD_FULL_MS / 1000} s, then resumed; ${ratePerSecond} msg/s from ${devices} devices`;
  const meterIds = env.meterIds.slice(0, devices);
  const plan = new LoadPlan({ meterIds, messagesPerDevice: Math.round((ratePerSecond * loadSeconds) / devices), startMs: Date.now(), intervalMs: Math.round((devices * 1000) / ratePerSecond) });
  const range = planRange(plan);
  const ledger = new Ledger();
  const ingest = await env.ingest({ JOURNAL_MAX_BYTES: String(journalMaxBytes), JOURNAL_SEGMENT_BYTES: String(Math.floor(journalMaxBytes / 4)) });
  await ingest.start();
  const monitor = new IngestMonitor(ingest, 500);
  monitor.start();
  const publisher = await LoadPublisher.connect(env.mosquitto.url);
  try {
    const publishing = publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond });
    await sleep(3_000);
    await env.influxd.pause();
    const pausedAt = Date.now();
    const full = await pollUntil(() => monitor.firstAfter(pausedAt, (s) => s.journalFull === 1), { description: 'the journal to fill', timeoutMs: 60_000, intervalMs: 250 }).catch(() => undefined);
    const receivedAtFull = (await readMetric(ingest.metricsUrl, 'ingest_messages_total')) ?? 0;
    const acknowledgedAtFull = ledger.acknowledgedPublishes;
    await sleep(HOLD_FULL_MS);
    const receivedAfterHold = (await readMetric(ingest.metricsUrl, 'ingest_messages_total')) ?? 0;
    const acknowledgedAfterHold = ledger.acknowledgedPublishes;
    const journalPending = (await readMetric(ingest.metricsUrl, 'ingest_journal_pending_bytes')) ?? 0;
    await env.influxd.resume();
    const published = await publishing;
    await waitForStoredCount(env.store, ledger.distinct, range, 120_000).catch(() => {});
    await sleep(1_000);
    await monitor.sampleOnce();
    monitor.stop();
    const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);
    const ackPaused = (await readMetric(ingest.metricsUrl, 'ingest_ack_paused_total')) ?? 0;
    const heldByBroker = acknowledgedAfterHold - acknowledgedAtFull - (receivedAfterHold - receivedAtFull);
    report.figure('fullAfterS', full ? (full.atMs - pausedAt) / 1000 : 'never');
    report.figure('journalPendingWhileFullBytes', journalPending);
    report.figure('ingestReceivedWhileFull', receivedAfterHold - receivedAtFull);
    report.figure('brokerAcknowledgedWhileFull', acknowledgedAfterHold - acknowledgedAtFull);
    report.figure('heldByBroker', heldByBroker);
    report.figure('ackPausedTotal', ackPaused);
    report.figure('publishRate', published.achievedRatePerSecond);
    report.figure('acknowledged', ledger.distinct);
    report.figure('stored', check.stored);
    report.figure('missing', check.missing);
    report.check('the journal filled', full !== undefined, full ? `after ${(full.atMs - pausedAt) / 1000} s` : 'never');
    report.check('ingest stopped acknowledging (paused, took almost nothing while full)', ackPaused > 0 && receivedAfterHold - receivedAtFull <= 2, `ingest_ack_paused_total=${ackPaused}, ${receivedAfterHold - receivedAtFull} messages taken while full`);
    report.check('journal stayed at its cap', journalPending <= journalMaxBytes + 64 * 1024, `${journalPending} of ${journalMaxBytes} bytes`);
    report.check('the broker held the rest (devices still acknowledged)', heldByBroker >= (ratePerSecond * HOLD_FULL_MS) / 1000 / 2, `${heldByBroker} messages held`);
    report.check('0 silent loss', check.stored === ledger.distinct && check.missing === 0 && check.extra === 0 && check.mismatched === 0, `${check.stored} stored of ${ledger.distinct}, ${check.missing} missing, ${check.extra} extra, ${check.mismatched} mismatched ${check.examples.join('; ')}`);
  } finally {
    await env.influxd.resume();
    monitor.stop();
    await publisher.close();
    await ingest.stop();
  }
  return report.build();
}
