// Connection resets, refusals and stalls on ingest's links (to the broker and to InfluxDB), through
// the harness's fault proxy, under load: ingest must reconnect with its session present (no session
// lost, no alarm) and lose nothing.
import type { FaultEnv } from '../harness/fault-env.ts';
import { IngestMonitor } from '../harness/ingest-monitor.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { planRange, readMetric, sleep } from './scenario-kit.ts';

const REFUSE_MS = 3_000;

export async function networkFaultsScenario(env: FaultEnv, profile: Profile): Promise<ScenarioReport> {
  const { devices, ratePerSecond, loadSeconds, resetEveryMs, stallMs } = profile.network;
  const report = new ReportBuilder('network resets and stalls');
  report.injected = `through the fault proxy, every ${resetEveryMs / 1000} s in turn: RST of ingest↔broker, ${stallMs / 1000} s stall of ingest↔broker, ${REFUSE_MS / 1000} s refusal of ingest↔broker, RST of ingest↔InfluxDB, ${stallMs / 1000} s stall of ingest↔InfluxDB; ${ratePerSecond} msg/s for ${loadSeconds} s`;
  const meterIds = env.meterIds.slice(0, devices);
  const plan = new LoadPlan({ meterIds, messagesPerDevice: Math.round((ratePerSecond * loadSeconds) / devices), startMs: Date.now(), intervalMs: Math.round((devices * 1000) / ratePerSecond) });
  const range = planRange(plan);
  const ledger = new Ledger();
  const ingest = await env.ingest();
  await ingest.start();
  const monitor = new IngestMonitor(ingest);
  monitor.start();
  const publisher = await LoadPublisher.connect(env.mosquitto.url);
  const counts = { mqttResets: 0, mqttStalls: 0, mqttRefusals: 0, influxResets: 0, influxStalls: 0 };
  const faults: Array<() => Promise<void>> = [
    async () => void (counts.mqttResets += env.mqttProxy.resetAll() > 0 ? 1 : 0),
    async () => {
      env.mqttProxy.setMode('stall');
      counts.mqttStalls++;
      await sleep(stallMs);
      env.mqttProxy.setMode('pass');
    },
    async () => {
      env.mqttProxy.setMode('refuse');
      env.mqttProxy.resetAll();
      counts.mqttRefusals++;
      await sleep(REFUSE_MS);
      env.mqttProxy.setMode('pass');
    },
    async () => void (counts.influxResets += env.influxProxy.resetAll() > 0 ? 1 : 0),
    async () => {
      env.influxProxy.setMode('stall');
      counts.influxStalls++;
      await sleep(stallMs);
      env.influxProxy.setMode('pass');
    },
  ];
  try {
    const startedAt = Date.now();
    const publishing = publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond });
    // At least one full round of every fault, then more rounds while the load lasts.
    for (let i = 0; i < faults.length || Date.now() - startedAt < (loadSeconds - 2) * 1000; i++) {
      await sleep(resetEveryMs);
      await faults[i % faults.length]!();
    }
    env.mqttProxy.setMode('pass');
    env.influxProxy.setMode('pass');
    const published = await publishing;
    await waitForStoredCount(env.store, plan.size, range, 120_000).catch(() => {});
    await sleep(1_000);
    await monitor.sampleOnce();
    monitor.stop();
    const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);
    const sessionLost = (await readMetric(ingest.metricsUrl, 'ingest_mqtt_session_lost_total')) ?? -1;
    const sessionAlarm = monitor.samples.some((s) => IngestMonitor.alarmActive(s, 'session-lost'));
    for (const [name, value] of Object.entries(counts)) report.figure(name, value);
    report.figure('mqttConnections', env.mqttProxy.accepted);
    report.figure('publishRate', published.achievedRatePerSecond);
    report.figure('sessionLostTotal', sessionLost);
    report.figure('acknowledged', ledger.distinct);
    report.figure('stored', check.stored);
    report.figure('missing', check.missing);
    report.check('every fault kind injected', Object.values(counts).every((n) => n > 0), JSON.stringify(counts));
    report.check('ingest reconnected after each broker-side fault', env.mqttProxy.accepted >= 1 + counts.mqttResets + counts.mqttRefusals, `${env.mqttProxy.accepted} connections`);
    report.check('session present on every reconnect (none lost)', sessionLost === 0 && !sessionAlarm, `ingest_mqtt_session_lost_total=${sessionLost}, session-lost alarm ${sessionAlarm ? 'raised' : 'not raised'}`);
    report.check('0 loss', check.stored === ledger.distinct && check.missing === 0 && check.extra === 0 && check.mismatched === 0, `${check.stored} stored of ${ledger.distinct}, ${check.missing} missing, ${check.extra} extra, ${check.mismatched} mismatched ${check.examples.join('; ')}`);
  } finally {
    env.mqttProxy.setMode('pass');
    env.influxProxy.setMode('pass');
    monitor.stop();
    await publisher.close();
    await ingest.stop();
  }
  return report.build();
}
