// The broker restarted under load, while it holds messages queued for ingest (ingest's link stalled
// just before). With persistence: the session and its queue survive, devices resend what was not
// acknowledged, 0 loss. Without: ingest sees sessionPresent=false, resubscribes, raises a
// 'session lost' alarm, and the seq gaps it reports account for every message the broker dropped.
import type { FaultEnv } from '../harness/fault-env.ts';
import { fetchOps, IngestMonitor } from '../harness/ingest-monitor.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { planRange, readMetric, sleep } from './scenario-kit.ts';

const STALL_BEFORE_RESTART_MS = 3_000;

export function brokerRestartScenario(persistence: boolean) {
  return async (env: FaultEnv, profile: Profile): Promise<ScenarioReport> => {
    const { devices, ratePerSecond, loadSeconds, restarts } = profile.broker;
    const report = new ReportBuilder(`broker restart, persistence ${persistence ? 'on' : 'off'}`);
    report.injected = `${restarts}× Mosquitto restarted (SIGTERM, start) while holding ${STALL_BEFORE_RESTART_MS / 1000} s of messages queued for ingest, ${ratePerSecond} msg/s from ${devices} devices, persistence ${persistence ? 'on' : 'off'}`;
    const meterIds = env.meterIds.slice(0, devices);
    const perDeviceRate = ratePerSecond / devices;
    const plan = new LoadPlan({ meterIds, messagesPerDevice: Math.round(perDeviceRate * loadSeconds), startMs: Date.now(), intervalMs: Math.round(1000 / perDeviceRate) });
    const range = planRange(plan);
    const ledger = new Ledger();
    const ingest = await env.ingest();
    await ingest.start();
    const monitor = new IngestMonitor(ingest);
    monitor.start();
    const publisher = await LoadPublisher.connect(env.mosquitto.url);
    try {
      const startedAt = Date.now();
      const publishing = publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond });
      const gapMs = (loadSeconds * 1000) / (restarts + 1);
      let restartedAt = 0;
      for (let r = 1; r <= restarts; r++) {
        await sleep(startedAt + r * gapMs - STALL_BEFORE_RESTART_MS - Date.now());
        env.mqttProxy.setMode('stall');
        await sleep(STALL_BEFORE_RESTART_MS);
        await env.mosquitto.restart();
        env.mqttProxy.setMode('pass');
        restartedAt = Date.now();
      }
      const published = await publishing;
      const received = await waitForStoredCount(env.store, ledger.distinct, range, persistence ? 120_000 : 8_000).then(
        () => true,
        () => false,
      );
      await sleep(1_000);
      monitor.stop();
      const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);
      const sessionLost = (await readMetric(ingest.metricsUrl, 'ingest_mqtt_session_lost_total')) ?? -1;
      const sessionAlarm = monitor.firstAfter(0, (s) => IngestMonitor.alarmActive(s, 'session-lost'));
      const ops = await fetchOps(ingest.opsUrl);
      const reportedMissing = ops?.seq?.missingTotal;
      report.figure('restarts', restarts);
      report.figure('publishRate', published.achievedRatePerSecond);
      report.figure('publisherRetries', published.retries);
      report.figure('acknowledged', ledger.distinct);
      report.figure('stored', check.stored);
      report.figure('missing', check.missing);
      report.figure('sessionLostTotal', sessionLost);
      report.figure('seqMissingReported', reportedMissing ?? 'no /ops');
      report.check('every restart done under load', restartedAt > 0 && restartedAt < startedAt + published.elapsedMs, `last restart ${Math.round((restartedAt - startedAt) / 1000)} s into a ${Math.round(published.elapsedMs / 1000)} s run`);
      if (persistence) {
        report.check('session present after every restart', sessionLost === 0 && sessionAlarm === undefined, `ingest_mqtt_session_lost_total=${sessionLost}`);
        report.check('0 loss after devices resend', received && check.stored === ledger.distinct && check.missing === 0 && check.extra === 0 && check.mismatched === 0, `${check.stored} stored of ${ledger.distinct}, ${check.missing} missing, ${check.extra} extra, ${check.mismatched} mismatched ${check.examples.join('; ')}`);
      } else {
        report.check('ingest noticed the lost session (sessionPresent false)', sessionLost >= restarts, `ingest_mqtt_session_lost_total=${sessionLost}`);
        report.check("'session lost' alarm raised", sessionAlarm !== undefined, sessionAlarm ? `${Math.round((sessionAlarm.atMs - restartedAt) / 1000)} s after the restart` : 'never raised');
        report.check('the broker really dropped the queued messages (the fault bit)', check.missing > 0, `${check.missing} missing`);
        report.check('seq gaps reported for every dropped message', reportedMissing !== undefined && reportedMissing >= check.missing, `${reportedMissing ?? 'no /ops'} reported, ${check.missing} actually missing`);
        const tail = await pollUntil(async () => (await tailStored(env, ledger, meterIds, range, 5)) || undefined, { description: 'readings after the restart', timeoutMs: 10_000 }).catch(() => false);
        report.check('resubscribed: readings published after the restart are stored', tail, tail ? 'the last 5 messages of every device are stored' : 'missing after the restart');
        report.check('nothing extra or altered', check.extra === 0 && check.mismatched === 0, `${check.extra} extra, ${check.mismatched} mismatched`);
      }
    } finally {
      env.mqttProxy.setMode('pass');
      monitor.stop();
      await publisher.close();
      await ingest.stop();
    }
    return report.build();
  };
}

/** Whether each device's last `n` acknowledged messages are all in the store. */
async function tailStored(env: FaultEnv, ledger: Ledger, meterIds: readonly string[], range: { fromMs: number; toMs: number }, n: number): Promise<boolean> {
  for (const meterId of meterIds) {
    const stored = new Set((await env.store.readMeterReadings(meterId, range)).map((r) => r.tsMs));
    if (!ledger.messagesOf(meterId).slice(-n).every((m) => stored.has(m.tsMs))) return false;
  }
  return true;
}
