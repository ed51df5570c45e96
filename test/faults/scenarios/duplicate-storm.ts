// Duplicate storm: the same messages published, then replayed three times while ingest's connection
// to the broker is reset again and again (forced reconnects, redeliveries). Points are idempotent, so
// the store must still hold each message once and every total the API computes must not move.
import type { FaultEnv } from '../harness/fault-env.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import { apiWindowVolumes, compareTonnage } from '../harness/tonnage-check.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { planRange, readMetric, sleep } from './scenario-kit.ts';

const RESETS_PER_REPLAY = 3;

export async function duplicateStormScenario(env: FaultEnv, profile: Profile): Promise<ScenarioReport> {
  const { devices, messagesPerDevice, replays } = profile.duplicates;
  const report = new ReportBuilder('duplicate storm');
  report.injected = `${devices * messagesPerDevice} messages published, then replayed ${replays}× with ${RESETS_PER_REPLAY} TCP resets of ingest's broker connection per replay`;
  const meterIds = env.meterIds.slice(0, devices);
  const intervalMs = 1_000;
  const plan = new LoadPlan({ meterIds, messagesPerDevice, startMs: Date.now() - (messagesPerDevice + 5) * intervalMs, intervalMs });
  const range = planRange(plan);
  const ledger = new Ledger();
  const ingest = await env.ingest();
  await ingest.start();
  const publisher = await LoadPublisher.connect(env.mosquitto.url);
  const api = await env.api();
  try {
    await publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond: 5_000 });
    await waitForStoredCount(env.store, plan.size, range, 60_000);
    await api.start();
    const before = await compareTonnage(api.baseUrl, ledger, env.site);
    const window = { fromMs: plan.options.startMs - 60_000, toMs: Date.now() };
    const totalsBefore = await apiWindowVolumes(api.baseUrl, window.fromMs, window.toMs);
    report.figure('windowVolumesBefore', totalsBefore);
    report.figure('tonnesBefore', before.apiTonnes);

    let resets = 0;
    for (let replay = 1; replay <= replays; replay++) {
      const publishing = publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond: 4_000 });
      for (let r = 0; r < RESETS_PER_REPLAY; r++) {
        await sleep(600);
        resets += env.mqttProxy.resetAll();
      }
      await publishing;
    }
    report.figure('connectionsReset', resets);
    report.figure('mqttConnections', env.mqttProxy.accepted);
    report.figure('acknowledgedPublishes', ledger.acknowledgedPublishes);
    const received = await waitForQuiet(ingest.metricsUrl, plan.size * (replays + 1));
    report.figure('ingestMessagesReceived', received);

    const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);
    const after = await compareTonnage(api.baseUrl, ledger, env.site);
    const totalsAfter = await apiWindowVolumes(api.baseUrl, window.fromMs, window.toMs);
    report.figure('stored', check.stored);
    report.figure('tonnesAfter', after.apiTonnes);
    report.figure('ledgerTonnes', after.ledgerTonnes);
    report.check('the replays were published and acknowledged', ledger.acknowledgedPublishes >= plan.size * (replays + 1), `${ledger.acknowledgedPublishes} PUBACKs`);
    report.check('ingest was forced to reconnect', env.mqttProxy.accepted >= 1 + replays, `${env.mqttProxy.accepted} connections`);
    report.check('every copy reached ingest', received >= plan.size * (replays + 1), `${received} messages received`);
    report.check('each message stored once', check.stored === plan.size && check.missing === 0 && check.extra === 0 && check.mismatched === 0, `${check.stored} stored, ${check.missing} missing, ${check.extra} extra, ${check.mismatched} mismatched ${check.examples.join('; ')}`);
    report.check('tonnage equals the ledger before the storm', before.apiTonnes === before.ledgerTonnes, `${before.apiTonnes} t (API) vs ${before.ledgerTonnes} t (ledger)`);
    report.check('tonnage unchanged by the storm', after.apiTonnes === before.apiTonnes && after.apiTonnes === after.ledgerTonnes, `${after.apiTonnes} t after vs ${before.apiTonnes} t before`);
    report.check('window volumes by role unchanged by the storm', totalsAfter === totalsBefore, totalsAfter === totalsBefore ? 'identical' : `${totalsBefore} → ${totalsAfter}`);
  } finally {
    await publisher.close();
    await Promise.all([ingest.stop(), api.stop()]);
  }
  return report.build();
}

/** Waits until ingest received at least `count` messages, wrote its backlog and has been idle for 3 s. */
async function waitForQuiet(metricsUrl: string, count: number): Promise<number> {
  let last = -1;
  let quietSince = Date.now();
  return pollUntil(
    async () => {
      const received = (await readMetric(metricsUrl, 'ingest_messages_total')) ?? -1;
      const backlog = await readMetric(metricsUrl, 'ingest_store_backlog_bytes');
      if (received !== last) {
        last = received;
        quietSince = Date.now();
      }
      return received >= count && backlog === 0 && Date.now() - quietSince > 3_000 ? received : undefined;
    },
    { description: `ingest to receive ${count} messages and go quiet`, timeoutMs: 120_000, intervalMs: 500 },
  );
}
