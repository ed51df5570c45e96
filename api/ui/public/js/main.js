// @ts-check
// The live operations page: signs in (session.js), loads what the key's role may read over REST, then
// follows the websocket and refetches what an event says has changed. Figures the stream does not
// carry (totals, series, tonnage, milestones) are refetched on a timer. Panels the role may not read
// are hidden and never fetched: a pr screen shows the water saved and the totals, and no refusals.
import { ApiClient, ApiRequestError } from './api-client.js';
import { AlarmAnnunciator } from './alarm-annunciator.js';
import { AlarmDialog } from './alarm-dialog.js';
import { AlarmList, needsAcknowledgement } from './alarm-list.js';
import { CleanroomPanel } from './cleanroom-panel.js';
import { byId, setText } from './dom.js';
import { ConnectionIndicator, PanelFreshness, startClock } from './freshness.js';
import { channelLabel, setTimeZone } from './format.js';
import { LiveStream } from './live-stream.js';
import { MilestonePanel } from './milestone-panel.js';
import { Notice } from './notice.js';
import { coalesced } from './schedule.js';
import { Session } from './session.js';
import { accessOf, uiConfig } from './ui-config.js';
import { WaterChart } from './water-chart.js';
import { WaterPanel } from './water-panel.js';
import { WaterTotals } from './water-totals.js';

/** @typedef {import('./api-types').Site} Site */
/** @typedef {import('./api-types').Identity} Identity */
/** @typedef {import('./api-types').WaterReport} WaterReport */
/** @typedef {import('./api-types').Transition} Transition */
/** @typedef {import('./api-types').StreamEvent} StreamEvent */
/** @typedef {import('./ui-config.js').Access} Access */

const DAY_MS = 86_400_000;

/** @param {string} key "room/counter/channel" or "room/counter/stale" */
function describeKey(key) {
  const [room = '', counter = '', channel = ''] = key.split('/');
  return channel === 'stale' ? `counter ${counter} in ${room} silent` : `${channelLabel(channel)} at ${room} / ${counter}`;
}

/**
 * Hides what the role may not read, so the page never asks for it.
 * @param {Access} access
 */
function layout(access) {
  document.body.dataset['access'] = access.telemetry ? 'all' : 'totals';
  byId('cleanroom').hidden = !access.telemetry;
  byId('sound-toggle').hidden = !access.telemetry;
  for (const id of ['kpi-row', 'water-flows', 'water-chart']) byId(id).hidden = !access.liveWater;
  byId('water-totals').hidden = !access.totals;
  byId('water').hidden = !access.liveWater && !access.totals;
  byId('milestones').hidden = !access.totals;
  if (!access.liveWater) setText(byId('water-sub'), 'calendar totals');
}

/** @param {Identity} identity who the top bar says is signed in */
function showIdentity(identity) {
  const who = byId('who');
  setText(who, identity.auth === 'off' ? 'AUTH=off: no key' : `${identity.name} · ${identity.role}`);
  who.hidden = false;
  byId('sign-out').hidden = identity.auth === 'off';
}

async function main() {
  const session = new Session({ onIdentity: showIdentity });
  byId('sign-out').addEventListener('click', () => session.signOut());
  const identity = await session.start();
  const access = accessOf(identity);
  const notice = new Notice();
  const api = new ApiClient({
    credentials: session,
    onRateLimited: (waitMs) => notice.show(`The server is limiting this page’s requests: waiting ${Math.ceil(waitMs / 1000)} s before asking again.`, waitMs),
  });
  layout(access);
  /** @param {unknown} error a failed refresh: true when trying again may help */
  const reportError = (error) => {
    if (error instanceof ApiRequestError && error.status === 403) {
      notice.show(`This key’s role (${session.identity?.role ?? identity.role}) may not do that: ${error.message}.`, 30_000);
      return false;
    }
    if (error instanceof ApiRequestError) console.warn('live page refresh failed', error.status, error.path, error.code, error.message);
    else console.warn('live page refresh failed', error);
    return true;
  };

  /** @type {Site | null} */
  const site = access.telemetry ? await api.getJson('/api/site') : null;
  if (site) {
    setTimeZone(site.timezone);
    setText(byId('site-name'), site.name);
  }

  const annunciator = new AlarmAnnunciator({ repeatMs: uiConfig.alarmRepeatMs });
  const connection = new ConnectionIndicator((message) => annunciator.announce(message));
  const every = uiConfig.refreshMs;
  const isConnected = () => connection.connected;
  const waterFresh = new PanelFreshness('water', access.liveWater ? uiConfig.waterStaleAfterMs : 3 * every.totals, isConnected);
  const water = site && access.liveWater ? new WaterPanel(site) : null;
  const chart = water ? new WaterChart(svgById('water-chart-svg')) : null;
  const totals = access.totals ? new WaterTotals() : null;
  const milestones = access.totals ? new MilestonePanel({ commissionedAt: site?.commissionedAt ?? null }) : null;
  const cleanroom = site ? cleanroomPart({ site, access, api, session, reportError, annunciator, isConnected }) : null;

  /** @type {Array<() => void>} */
  const refreshes = [];
  /**
   * @param {() => Promise<void>} task
   * @param {number} minIntervalMs
   */
  const refresher = (task, minIntervalMs) => {
    const refresh = coalesced(task, minIntervalMs, reportError);
    refreshes.push(refresh);
    return refresh;
  };
  if (cleanroom) refreshes.push(cleanroom.refreshAlarms, cleanroom.refreshRooms);
  if (water) {
    refresher(async () => {
      /** @type {[WaterReport, { readings: Array<import('./api-types').MeterReading | import('./api-types').ParticleSample> }]} */
      const [report, latest] = await Promise.all([api.getJson('/api/water/kpis?window=15m'), api.getJson('/api/readings/latest')]);
      /** @type {Record<string, number>} */
      const flows = {};
      for (const r of latest.readings) if (r.kind === 'meter') flows[r.meterId] = r.flowM3PerHour;
      water.showReport(report);
      water.showFlows(flows);
      milestones?.showFlows(flows);
      waterFresh.mark();
    }, 1_000);
  }
  const refreshTotals = totals
    ? refresher(async () => {
        const now = Date.now();
        // A range of the last minute lies in one period: the server returns that whole day or month so far.
        const range = `from=${now - 60_000}&to=${now}`;
        /** @type {[import('./api-types').Totals, import('./api-types').Totals]} */
        const [days, months] = await Promise.all([api.getJson(`/api/water/totals?period=day&${range}`), api.getJson(`/api/water/totals?period=month&${range}`)]);
        totals.show(days.totals.at(-1), months.totals.at(-1));
        if (!access.liveWater) waterFresh.mark();
      }, 5_000)
    : null;
  const refreshSeries = chart
    ? refresher(async () => {
        const now = Date.now();
        const range = `every=1h&from=${now - DAY_MS}&to=${now}`;
        /** @type {[{ points: import('./api-types').SeriesPoint[] }, { points: import('./api-types').SeriesPoint[] }]} */
        const [rate, share] = await Promise.all([api.getJson(`/api/water/series?kpi=recyclingRate&${range}`), api.getJson(`/api/water/series?kpi=recycledShare&${range}`)]);
        chart.show(rate.points, share.points);
      }, 5_000)
    : null;
  const refreshTonnage = milestones ? refresher(async () => milestones.showTonnage(await api.getJson('/api/water/tonnage')), 5_000) : null;
  const refreshMilestones = milestones ? refresher(async () => milestones.showMilestones(await api.getJson('/api/water/milestones')), 10_000) : null;
  const refreshAll = () => refreshes.forEach((refresh) => refresh());

  /**
   * @param {StreamEvent} event
   * @param {boolean} replayed missed while disconnected
   */
  const onEvent = (event, replayed) => {
    if (event.channel === 'alarms' && event.type === 'transition') return cleanroom?.onTransition(/** @type {Transition} */ (event.data), replayed);
    if (event.channel === 'water' && event.type === 'kpis') {
      const report = /** @type {WaterReport} */ (event.data);
      water?.showReport(report);
      if (report.flowsM3PerHour) milestones?.showFlows(report.flowsM3PerHour);
      if (access.liveWater) waterFresh.mark();
      return;
    }
    if (event.channel === 'water' && event.type === 'milestone') {
      const { tonnes } = /** @type {{ tonnes: number }} */ (event.data);
      annunciator.announce(`Milestone: ${tonnes.toLocaleString('en-US')} tonnes of water saved`, 'polite');
      refreshMilestones?.();
      refreshTonnage?.();
      return;
    }
    if (event.channel.startsWith('samples:')) cleanroom?.onSample();
  };

  let loaded = false;
  const loadOnce = () => {
    if (loaded) return;
    loaded = true;
    refreshAll();
  };
  if (access.channels.length > 0) {
    const stream = new LiveStream({
      channels: access.channels,
      silenceMs: uiConfig.socketSilenceMs,
      key: () => session.key,
      onUnauthorized: (key) => void session.refused(key).then(() => stream.resume()),
      onProtocolError: (code, message) => console.warn('the live stream refused a request', code, message),
      onEvent,
      onState: (state) => connection.update(state),
      // The first subscribe fixes the event id the REST state must be at least as new as.
      onResync: (reason) => (reason === 'initial' ? loadOnce() : refreshAll()),
    });
    stream.start();
  }
  // Without a websocket (a proxy that refuses upgrades) the page still shows figures, marked stale.
  setTimeout(loadOnce, 3_000);

  const renderClock = startClock();
  setInterval(() => {
    renderClock();
    connection.render();
    waterFresh.render();
    cleanroom?.fresh.render();
  }, 1_000);
  if (milestones) setInterval(() => milestones.tick(connection.connected), 250);
  for (const [refresh, ms] of /** @type {const} */ ([[refreshTotals, every.totals], [refreshTonnage, every.tonnage], [refreshMilestones, every.milestones], [refreshSeries, every.series]])) {
    if (refresh) setInterval(refresh, ms);
  }
  // Room status also changes without a sample (a counter going silent raises 'stale').
  if (cleanroom) setInterval(cleanroom.refreshRooms, every.rooms);
}

/**
 * The cleanroom panel, the active alarms and their commands: for roles that read telemetry.
 * @param {{ site: Site, access: Access, api: ApiClient, session: Session, reportError: (error: unknown) => boolean, annunciator: AlarmAnnunciator, isConnected: () => boolean }} parts
 */
function cleanroomPart({ site, access, api, session, reportError, annunciator, isConnected }) {
  const longestIntervalS = Math.max(...site.rooms.flatMap((r) => r.counters.map((c) => c.sampleIntervalSeconds)), 10);
  const fresh = new PanelFreshness('cleanroom', longestIntervalS * 1000 * uiConfig.samplesStaleAfterIntervals, isConnected);
  const rooms = new CleanroomPanel(site);
  const refreshAlarms = coalesced(
    async () => {
      /** @type {{ alarms: import('./api-types').Alarm[] }} */
      const { alarms } = await api.getJson('/api/cleanroom/alarms?state=active');
      alarmList.show(alarms);
      annunciator.standing(alarms.filter((a) => a.severity === 'action' && needsAcknowledgement(a) && a.conditionActive).length);
    },
    500,
    reportError,
  );
  const dialog = access.operate
    ? new AlarmDialog({ api, actor: () => session.actor(), role: () => session.identity?.role ?? '', shelveChoicesMinutes: uiConfig.shelveChoicesMinutes, onDone: () => refreshAlarms() })
    : null;
  const alarmList = new AlarmList({ site, canOperate: dialog !== null, onCommand: (command, alarm, trigger) => dialog?.open(command, alarm, alarmList.describe(alarm), trigger) });
  const refreshRooms = coalesced(
    async () => {
      /** @type {{ rooms: import('./api-types').Room[] }} */
      const body = await api.getJson('/api/cleanroom/rooms');
      rooms.show(body.rooms);
    },
    2_000,
    reportError,
  );
  return {
    fresh,
    refreshAlarms,
    refreshRooms,
    onSample() {
      fresh.mark();
      refreshRooms();
    },
    /**
     * @param {Transition} t
     * @param {boolean} replayed missed while disconnected: what still stands shows through the list
     */
    onTransition(t, replayed) {
      const description = describeKey(t.key);
      const becameAction = t.severity === 'action' && !t.suppressed && (t.cause === 'raised' || (t.cause === 'severity-changed' && t.to === 'active-unacknowledged'));
      if (becameAction && !replayed) annunciator.raise(`New ACTION alarm: ${description}`);
      else if (t.cause === 'raised' && !t.suppressed) annunciator.announce(`New ${t.severity.toUpperCase()} alarm: ${description}`, 'polite');
      refreshAlarms();
      refreshRooms();
    },
  };
}

/** @param {string} id */
function svgById(id) {
  const element = document.getElementById(id);
  if (!(element instanceof SVGSVGElement)) throw new Error(`#${id} is not an <svg>`);
  return element;
}

main().catch((error) => {
  console.error(error);
  const banner = byId('connection-banner');
  banner.hidden = false;
  setText(banner, `The page could not start: ${error instanceof Error ? error.message : String(error)}. Reload to try again.`);
});
