// @ts-check
// The live operations page: loads the site and the current figures over REST, then follows the
// websocket (alarms, water, samples:*) and refetches what an event says has changed. Figures the
// stream does not carry (totals, series, tonnage, milestones) are refetched on a timer.
/* global document, setInterval, setTimeout, console, SVGSVGElement */
import { getJson } from './api-client.js';
import { AlarmAnnunciator } from './alarm-annunciator.js';
import { AlarmDialog } from './alarm-dialog.js';
import { AlarmList, needsAcknowledgement } from './alarm-list.js';
import { CleanroomPanel } from './cleanroom-panel.js';
import { byId, setText } from './dom.js';
import { ConnectionIndicator, PanelFreshness, startClock } from './freshness.js';
import { channelLabel, setTimeZone } from './format.js';
import { LiveStream } from './live-stream.js';
import { MilestonePanel } from './milestone-panel.js';
import { canOperate, uiConfig } from './ui-config.js';
import { WaterChart } from './water-chart.js';
import { WaterPanel } from './water-panel.js';

/** @typedef {import('./api-types').Site} Site */
/** @typedef {import('./api-types').WaterReport} WaterReport */
/** @typedef {import('./api-types').Transition} Transition */
/** @typedef {import('./api-types').StreamEvent} StreamEvent */

const DAY_MS = 86_400_000;

/**
 * Runs `task` at most once per `minIntervalMs`, and once more after a burst, so a storm of samples
 * costs one REST call per interval rather than one per event.
 * @param {() => Promise<void>} task
 * @param {number} minIntervalMs
 */
function coalesced(task, minIntervalMs) {
  let running = false;
  let again = false;
  let lastMs = 0;
  const run = async () => {
    running = true;
    again = false;
    lastMs = Date.now();
    try {
      await task();
    } catch (error) {
      console.warn('live page refresh failed', error);
    } finally {
      running = false;
      if (again) schedule();
    }
  };
  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    setTimeout(() => void run(), Math.max(0, lastMs + minIntervalMs - Date.now()));
    running = true;
  };
  return schedule;
}

/** @param {string} key "room/counter/channel" or "room/counter/stale" */
function describeKey(key) {
  const [room = '', counter = '', channel = ''] = key.split('/');
  return channel === 'stale' ? `counter ${counter} in ${room} silent` : `${channelLabel(channel)} at ${room} / ${counter}`;
}

async function main() {
  /** @type {Site} */
  const site = await getJson('/api/site');
  setTimeZone(site.timezone);
  setText(byId('site-name'), site.name);
  const operate = canOperate(uiConfig);
  document.body.dataset['role'] = uiConfig.role;


  const waterFresh = new PanelFreshness('water', uiConfig.waterStaleAfterMs);
  const longestIntervalS = Math.max(...site.rooms.flatMap((r) => r.counters.map((c) => c.sampleIntervalSeconds)), 10);
  const cleanroomFresh = new PanelFreshness('cleanroom', longestIntervalS * 1000 * uiConfig.samplesStaleAfterIntervals);
  const water = new WaterPanel(site);
  const chartElement = document.getElementById('water-chart-svg');
  if (!(chartElement instanceof SVGSVGElement)) throw new Error('#water-chart-svg is not an <svg>');
  const chart = new WaterChart(chartElement);
  const rooms = new CleanroomPanel(site);
  const milestones = new MilestonePanel(site);
  const annunciator = new AlarmAnnunciator({ repeatMs: uiConfig.alarmRepeatMs });
  const connection = new ConnectionIndicator((message) => annunciator.announce(message));

  const refreshAlarms = coalesced(async () => {
    /** @type {{ alarms: import('./api-types').Alarm[] }} */
    const { alarms } = await getJson('/api/cleanroom/alarms?state=active');
    alarmList.show(alarms);
    annunciator.standing(alarms.filter((a) => a.severity === 'action' && needsAcknowledgement(a) && a.conditionActive).length);
  }, 500);
  const dialog = new AlarmDialog({ shelveChoicesMinutes: uiConfig.shelveChoicesMinutes, onDone: () => refreshAlarms() });
  const alarmList = new AlarmList({ site, canOperate: operate, onCommand: (command, alarm, trigger) => dialog.open(command, alarm, alarmList.describe(alarm), trigger) });

  const refreshRooms = coalesced(async () => {
    /** @type {{ rooms: import('./api-types').Room[] }} */
    const body = await getJson('/api/cleanroom/rooms');
    rooms.show(body.rooms);
  }, 2_000);
  const refreshWater = coalesced(async () => {
    /** @type {[WaterReport, { readings: Array<import('./api-types').MeterReading | import('./api-types').ParticleSample> }]} */
    const [report, latest] = await Promise.all([getJson('/api/water/kpis?window=15m'), getJson('/api/readings/latest')]);
    /** @type {Record<string, number>} */
    const flows = {};
    for (const r of latest.readings) if (r.kind === 'meter') flows[r.meterId] = r.flowM3PerHour;
    water.showReport(report);
    water.showFlows(flows);
    milestones.showFlows(flows);
    waterFresh.mark();
  }, 1_000);
  const refreshTotals = coalesced(async () => {
    const now = Date.now();
    // A range of the last minute lies in one period: the server returns that whole day or month so far.
    const range = `from=${now - 60_000}&to=${now}`;
    /** @type {[import('./api-types').Totals, import('./api-types').Totals]} */
    const [days, months] = await Promise.all([getJson(`/api/water/totals?period=day&${range}`), getJson(`/api/water/totals?period=month&${range}`)]);
    water.showTotals(days.totals.at(-1), months.totals.at(-1));
  }, 5_000);
  const refreshSeries = coalesced(async () => {
    const now = Date.now();
    const range = `every=1h&from=${now - DAY_MS}&to=${now}`;
    /** @type {[{ points: import('./api-types').SeriesPoint[] }, { points: import('./api-types').SeriesPoint[] }]} */
    const [rate, share] = await Promise.all([getJson(`/api/water/series?kpi=recyclingRate&${range}`), getJson(`/api/water/series?kpi=recycledShare&${range}`)]);
    chart.show(rate.points, share.points);
  }, 5_000);
  const refreshTonnage = coalesced(async () => milestones.showTonnage(await getJson('/api/water/tonnage')), 5_000);
  const refreshMilestones = coalesced(async () => milestones.showMilestones(await getJson('/api/water/milestones')), 10_000);
  const refreshAll = () => [refreshAlarms, refreshRooms, refreshWater, refreshTotals, refreshSeries, refreshTonnage, refreshMilestones].forEach((refresh) => refresh());

  /**
   * @param {Transition} t
   * @param {boolean} replayed missed while disconnected: what still stands shows through the list
   */
  const onTransition = (t, replayed) => {
    const description = describeKey(t.key);
    const becameAction = t.severity === 'action' && !t.suppressed && (t.cause === 'raised' || (t.cause === 'severity-changed' && t.to === 'active-unacknowledged'));
    if (becameAction && !replayed) annunciator.raise(`New ACTION alarm: ${description}`);
    else if (t.cause === 'raised' && !t.suppressed) annunciator.announce(`New ${t.severity.toUpperCase()} alarm: ${description}`, 'polite');
    refreshAlarms();
    refreshRooms();
  };

  /**
   * @param {StreamEvent} event
   * @param {boolean} replayed
   */
  const onEvent = (event, replayed) => {
    if (event.channel === 'alarms' && event.type === 'transition') return onTransition(/** @type {Transition} */ (event.data), replayed);
    if (event.channel === 'water' && event.type === 'kpis') {
      const report = /** @type {WaterReport} */ (event.data);
      water.showReport(report);
      if (report.flowsM3PerHour) milestones.showFlows(report.flowsM3PerHour);
      waterFresh.mark();
      return;
    }
    if (event.channel === 'water' && event.type === 'milestone') {
      const { tonnes } = /** @type {{ tonnes: number }} */ (event.data);
      annunciator.announce(`Milestone: ${tonnes.toLocaleString('en-US')} tonnes of water saved`, 'polite');
      refreshMilestones();
      refreshTonnage();
      return;
    }
    if (event.channel.startsWith('samples:')) {
      cleanroomFresh.mark();
      refreshRooms();
    }
  };

  let loaded = false;
  const loadOnce = () => {
    if (loaded) return;
    loaded = true;
    refreshAll();
  };
  const stream = new LiveStream({
    channels: uiConfig.channels,
    silenceMs: uiConfig.socketSilenceMs,
    onEvent,
    onState: (state) => connection.update(state),
    // The first subscribe fixes the event id the REST state must be at least as new as.
    onResync: (reason) => (reason === 'initial' ? loadOnce() : refreshAll()),
  });
  stream.start();
  // Without a websocket (a proxy that refuses upgrades) the page still shows figures, marked stale.
  setTimeout(loadOnce, 3_000);

  const renderClock = startClock();
  setInterval(() => {
    renderClock();
    connection.render();
    waterFresh.render(connection.connected);
    cleanroomFresh.render(connection.connected);
  }, 1_000);
  setInterval(() => milestones.tick(connection.connected), 250);
  const every = uiConfig.refreshMs;
  setInterval(refreshTotals, every.totals);
  setInterval(refreshTonnage, every.tonnage);
  setInterval(refreshMilestones, every.milestones);
  setInterval(refreshSeries, every.series);
  // Room status also changes without a sample (a counter going silent raises 'stale').
  setInterval(refreshRooms, every.rooms);
}

main().catch((error) => {
  console.error(error);
  const banner = byId('connection-banner');
  banner.hidden = false;
  setText(banner, `The page could not start: ${error instanceof Error ? error.message : String(error)}. Reload to try again.`);
});
