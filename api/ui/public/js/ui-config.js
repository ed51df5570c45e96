// @ts-check
// What this screen shows and may do. Roles come with the security work; until then every user is an
// operator. Hiding the buttons only tidies a viewer's screen (a PR wall display): the server is what
// will enforce roles. `?role=viewer` in the address overrides the default for one screen.
/* global location, URLSearchParams */

/** @typedef {'operator' | 'viewer'} Role */

/** @type {readonly Role[]} */
const ROLES = ['operator', 'viewer'];

/**
 * @param {string} search location.search
 * @returns {Role | undefined}
 */
function roleFrom(search) {
  const asked = new URLSearchParams(search).get('role');
  return ROLES.find((role) => role === asked);
}

export const uiConfig = Object.freeze({
  /** @type {Role} */
  role: roleFrom(location.search) ?? 'operator',
  /** Channels of the websocket this page follows (api/streams/channel-pattern.ts). */
  channels: ['alarms', 'water', 'samples:*'],
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
 * Whether the screen offers acknowledge and shelve.
 * @param {{ role: Role }} config
 */
export function canOperate(config) {
  return config.role === 'operator';
}
