// Ingest killed with SIGKILL every 2 s (±1 s) while a fleet publishes; afterwards the store must
// hold exactly the acknowledged messages: none missing, none extra, values equal to the ledger.
import type { FaultEnv } from '../harness/fault-env.ts';
import { Ledger, LoadPlan } from '../harness/ledger.ts';
import { LoadPublisher } from '../harness/load-publisher.ts';
import { checkStoreAgainstLedger, waitForStoredCount } from '../harness/store-checker.ts';
import { compareTonnage } from '../harness/tonnage-check.ts';
import type { Profile } from './profile.ts';
import { ReportBuilder, type ScenarioReport } from './report.ts';
import { jitter, planRange, sleep } from './scenario-kit.ts';

export async function sigkillLoopScenario(env: FaultEnv, profile: Profile): Promise<ScenarioReport> {
  const { devices, messagesPerDevice, ratePerSecond } = profile.sigkill;
  const report = new ReportBuilder('SIGKILL loop');
  report.injected = `SIGKILL of the ingest process every 2 s ±1 s while ${devices} devices × ${messagesPerDevice} messages are published at ${ratePerSecond} msg/s; the API process SIGKILLed at 1/3 and SIGTERMed at 2/3 of the run, restarted each time`;
  const meterIds = env.meterIds.slice(0, devices);
  const plan = new LoadPlan({ meterIds, messagesPerDevice, startMs: Date.now(), intervalMs: Math.max(1, Math.round((devices * 1000) / ratePerSecond)) });
  const ledger = new Ledger();
  const ingest = await env.ingest();
  await ingest.start();
  const api = await env.api();
  await api.start();
  const publisher = await LoadPublisher.connect(env.mosquitto.url);
  let publishing = true;
  const apiExits: Array<{ signal: string; afterMs: number; code: number | null }> = [];
  const apiFaults = (async () => {
    const third = (plan.size / ratePerSecond / 3) * 1000;
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      await sleep(third);
      if (!publishing) break;
      const exit = await api.signal(signal);
      apiExits.push({ signal, afterMs: exit.afterMs, code: exit.code });
      await api.start();
    }
  })();
  let kills = 0;
  const killer = (async () => {
    const random = jitter(42);
    while (publishing) {
      await sleep(1000 + random() * 2000);
      if (!publishing) break;
      if (ingest.running) {
        await ingest.signal('SIGKILL');
        kills++;
      }
      ingest.spawn();
    }
  })();
  try {
    const published = await publisher.publish({ url: env.mosquitto.url, plan, ledger, ratePerSecond });
    publishing = false;
    await killer;
    await apiFaults;
    report.figure('kills', kills);
    report.figure('publishRate', published.achievedRatePerSecond);
    report.figure('acknowledged', ledger.distinct);
    const range = planRange(plan);
    const drainStarted = Date.now();
    if (!ingest.running) ingest.spawn();
    await waitForStoredCount(env.store, plan.size, range, 180_000).catch(() => {});
    report.figure('drainAfterLastPublishS', (Date.now() - drainStarted) / 1000);
    // Anything extra (a duplicate under another timestamp) would show up after the count is reached.
    await sleep(2_000);
    const check = await checkStoreAgainstLedger(env.store, ledger, meterIds, range);
    report.figure('stored', check.stored);
    report.figure('missing', check.missing);
    report.figure('extra', check.extra);
    report.figure('mismatched', check.mismatched);
    report.check('every planned message acknowledged by the broker', ledger.distinct === plan.size, `${ledger.distinct} of ${plan.size}`);
    report.check('killed every 2 s ±1 s during the run', kills >= Math.floor(published.elapsedMs / 3000), `${kills} kills in ${Math.round(published.elapsedMs / 1000)} s`);
    report.check('exactly the acknowledged points stored', check.stored === plan.size && check.missing === 0 && check.extra === 0, `${check.stored} stored, ${check.missing} missing, ${check.extra} extra ${check.examples.join('; ')}`);
    report.check('values equal to the ledger', check.mismatched === 0, `${check.mismatched} mismatched`);
    const sigterm = apiExits.find((e) => e.signal === 'SIGTERM');
    report.figure('apiSigtermExitMs', sigterm?.afterMs ?? 'not sent');
    report.check('API killed (SIGKILL) and stopped (SIGTERM) mid-run', apiExits.length === 2 && sigterm?.code === 0 && sigterm.afterMs <= 30_000, JSON.stringify(apiExits));
    const tonnage = await compareTonnage(api.baseUrl, ledger, env.site);
    report.figure('apiTonnes', tonnage.apiTonnes);
    report.figure('ledgerTonnes', tonnage.ledgerTonnes);
    report.check("API's cumulative tonnage equals the ledger exactly", tonnage.apiTonnes === tonnage.ledgerTonnes && tonnage.ledgerTonnes > 0 && !tonnage.provisional, `${tonnage.apiTonnes} t (API) vs ${tonnage.ledgerTonnes} t (ledger)${tonnage.provisional ? ', provisional' : ''}`);
  } finally {
    publishing = false;
    await killer.catch(() => {});
    await apiFaults.catch(() => {});
    await publisher.close();
    await Promise.all([ingest.stop(), api.stop()]);
  }
  return report.build();
}
