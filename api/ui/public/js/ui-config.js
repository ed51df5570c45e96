// @ts-check
// What this screen shows and may do, from the permissions of its API key (GET /api/auth/me; the roles
// are api/auth/permissions.ts), and the page's timings. Hiding what a role may not use only tidies the
// screen and spares it refusals: the server is what enforces roles.

/** @typedef {import('./api-types').Identity} Identity */
/** @typedef {import('./api-types').Permission} Permission */

export const uiConfig = Object.freeze({
  /** No water event for this long: the live figures are marked stale (meters report every few seconds). */
  waterStaleAfterMs: 60_000,
  /** Particle samples are this many counter intervals late: the room figures are marked stale. */
  samplesStaleAfterIntervals: 2.5,
  /** Silence on the socket longer than this (heartbeats come every 15 s) means it is dead. */
  socketSilenceMs: 40_000,
  /** How often figures the websocket does not carry are fetched again. */
  refreshMs: { totals: 60_000, tonnage: 60_000, milestones: 300_000, series: 300_000, rooms: 30_000 },
  /** While an unacknowledged action alarm stands, the beep repeats this often (when sound is on). */
  alarmRepeatMs: 15_000,
  shelveChoicesMinutes: [15, 30, 60, 120, 240, 480],
});

/**
 * @typedef {object} Access
 * @property {boolean} operate acknowledge and shelve alarms (`alarms:operate`)
 * @property {boolean} telemetry the site, rooms, samples and alarms (`telemetry:read`)
 * @property {boolean} liveWater water KPIs, flows and the 24 h series (`water:read`)
 * @property {boolean} totals calendar totals, tonnage and milestones (`water:totals`)
 * @property {string[]} channels the websocket channels to follow (api/streams/channel-pattern.ts)
 */

/**
 * What the key's permissions let this screen show. A role without `telemetry:read` (pr) may read
 * only the `water` channel on the websocket; asking for more earns a FORBIDDEN error message.
 * @param {Identity} identity
 * @returns {Access}
 */
export function accessOf(identity) {
  const has = (/** @type {Permission} */ permission) => identity.permissions.includes(permission);
  const telemetry = has('telemetry:read');
  const channels = !has('stream:read') ? [] : telemetry ? ['alarms', 'water', 'samples:*'] : ['water'];
  return { operate: has('alarms:operate'), telemetry, liveWater: has('water:read'), totals: has('water:totals'), channels };
}
