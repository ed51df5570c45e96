// InfluxDB stopped for minutes under steady load: ingest keeps acknowledging into its journal, the
// backlog rises and drains, the lag is back under 5 s within a minute of recovery, memory stays under
// its cap, a store-backlog alarm is raised within 60 s of the outage, and nothing is lost.
import type { FaultEnv } from '../harness/fault-env.ts';
import { IngestMonitor } from '../harness/ingest-monitor.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import { compareTonnage } from '../harness/tonnage-check.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { planRange, sleep } from './scenario-kit.ts';

const LAG_OK_S = 5;
const RECOVERY_LIMIT_MS = 60_000;
const ALARM_LIMIT_MS = 60_000;

export async function influxOutageScenario(env: FaultEnv, profile: Profile): Promise<ScenarioReport> {
  const { devices, ratePerSecond, outageSeconds, leadSeconds, tailSeconds, memoryCapMiB } = profile.outage;
  const report = new ReportBuilder('InfluxDB outage');
  report.injected = `influxd stopped (SIGTERM) for ${outageSeconds} s under ${ratePerSecond} msg/s from ${devices} devices, then started again; the API process runs throughout`;
  const meterIds = env.meterIds.slice(0, devices);
  const loadSeconds = leadSeconds + outageSeconds + tailSeconds;
  const plan = new LoadPlan({ meterIds, messagesPerDevice: Math.round((ratePerSecond * loadSeconds) / devices), startMs: Date.now(), intervalMs: Math.round((devices * 1000) / ratePerSecond) });
  const range = planRange(plan);
  const ledger = new Ledger();
  const ingest = await env.ingest();
  await ingest.start();
  const api = await env.api();
  await api.start();
  const monitor = new IngestMonitor(ingest);
  monitor.start();
  const publisher = await LoadPublisher.connect(env.mosquitto.url);
  try {
    const publishing = publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond });
    await sleep(leadSeconds * 1000);
    const baselineRss = (await monitor.sampleOnce()).rssMiB ?? 0;
    const outageAt = Date.now();
    await env.influxd.kill('SIGTERM');
    await sleep(outageSeconds * 1000 - (Date.now() - outageAt));
    const backlogAtRecovery = (await monitor.sampleOnce()).backlogBytes ?? 0;
    await env.influxd.start();
    const recoveredAt = Date.now();
    const lagOk = await pollUntil(() => monitor.firstAfter(recoveredAt, (s) => s.oldestUnwrittenAgeS !== undefined && s.oldestUnwrittenAgeS < LAG_OK_S), {
      description: `lag under ${LAG_OK_S} s`,
      timeoutMs: 3 * RECOVERY_LIMIT_MS,
      intervalMs: 250,
    }).catch(() => undefined);
    const published = await publishing;
    await waitForStoredCount(env.store, plan.size, range, 120_000).catch(() => {});
    await sleep(1_000);
    monitor.stop();
    const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);

    const alarm = monitor.firstAfter(outageAt, (s) => IngestMonitor.alarmActive(s, 'store-backlog'));
    const alarmCleared = monitor.firstAfter(recoveredAt, (s) => !IngestMonitor.alarmActive(s, 'store-backlog') && s.activeAlarms !== undefined);
    const backlogAtOutage = monitor.firstAfter(outageAt, () => true)?.backlogBytes ?? 0;
    const peakRss = monitor.max('rssMiB', outageAt, recoveredAt);
    report.figure('publishRate', published.achievedRatePerSecond);
    report.figure('outageS', (recoveredAt - outageAt) / 1000);
    report.figure('backlogAtOutageStartBytes', backlogAtOutage);
    report.figure('backlogAtRecoveryBytes', backlogAtRecovery);
    report.figure('maxOldestUnwrittenAgeS', monitor.max('oldestUnwrittenAgeS'));
    report.figure('lagUnder5sAfterRecoveryS', lagOk ? (lagOk.atMs - recoveredAt) / 1000 : 'never');
    report.figure('backlogAlarmAfterS', alarm ? (alarm.atMs - outageAt) / 1000 : 'never');
    report.figure('backlogAlarmClearedAfterRecoveryS', alarmCleared ? (alarmCleared.atMs - recoveredAt) / 1000 : 'not seen');
    report.figure('rssBaselineMiB', baselineRss);
    report.figure('rssPeakDuringOutageMiB', peakRss);
    report.figure('acknowledged', ledger.distinct);
    report.figure('stored', check.stored);
    report.figure('missing', check.missing);
    report.check('publisher held the rate through the outage', published.achievedRatePerSecond >= ratePerSecond * 0.9, `${published.achievedRatePerSecond} msg/s`);
    report.check('the backlog rose during the outage', backlogAtRecovery > backlogAtOutage + ratePerSecond * outageSeconds * 50, `${backlogAtOutage} → ${backlogAtRecovery} bytes`);
    report.check(`lag back under ${LAG_OK_S} s within 60 s of recovery`, lagOk !== undefined && lagOk.atMs - recoveredAt <= RECOVERY_LIMIT_MS, lagOk ? `${(lagOk.atMs - recoveredAt) / 1000} s` : 'never');
    report.check('backlog drained', (monitor.samples.at(-1)?.backlogBytes ?? -1) === 0, `${monitor.samples.at(-1)?.backlogBytes} bytes at the end`);
    report.check(`ingest memory under ${memoryCapMiB} MiB during the outage`, peakRss > 0 && peakRss < memoryCapMiB, `peak RSS ${peakRss} MiB (baseline ${baselineRss} MiB)`);
    report.check('store-backlog alarm raised within 60 s of the outage', alarm !== undefined && alarm.atMs - outageAt <= ALARM_LIMIT_MS, alarm ? `${(alarm.atMs - outageAt) / 1000} s` : 'never raised');
    const tonnage = await compareTonnage(api.baseUrl, ledger, env.site);
    report.figure('apiTonnes', tonnage.apiTonnes);
    report.figure('ledgerTonnes', tonnage.ledgerTonnes);
    report.check("API's cumulative tonnage (running through the outage) equals the ledger", tonnage.apiTonnes === tonnage.ledgerTonnes && tonnage.ledgerTonnes > 0, `${tonnage.apiTonnes} t (API) vs ${tonnage.ledgerTonnes} t (ledger)`);
    report.check('0 loss', check.stored === ledger.distinct && check.missing === 0 && check.extra === 0 && check.mismatched === 0, `${check.stored} stored of ${ledger.distinct}, ${check.missing} missing, ${check.extra} extra, ${check.mismatched} mismatched ${check.examples.join('; ')}`);
  } finally {
    monitor.stop();
    await publisher.close();
    await env.influxd.start();
    await Promise.all([ingest.stop(), api.stop()]);
  }
  return report.build();
}
