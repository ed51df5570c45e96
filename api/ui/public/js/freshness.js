// @ts-check
// Says how old every figure is. A wall screen that froze looks exactly like a plant that is calm, so
// each panel carries its age and turns STALE when no data has come for too long, and the page says
// loudly when the connection is lost and when it will try again.
import { byId, setAttr, setText } from './dom.js';
import { formatAge, formatTime } from './format.js';

/** @typedef {import('./live-stream.js').StreamState} StreamState */

/** Connection trouble shorter than this is a blip (a server restart) and not worth a banner. */
const BANNER_AFTER_MS = 3_000;

export class PanelFreshness {
  /**
   * @param {string} panelId the section whose figures this covers
   * @param {number} staleAfterMs
   * @param {() => boolean} isConnected whether the live stream is up
   */
  constructor(panelId, staleAfterMs, isConnected) {
    this.panel = byId(panelId);
    this.label = byId(`${panelId}-fresh`);
    this.staleAfterMs = staleAfterMs;
    this.isConnected = isConnected;
    /** @type {number | null} page clock, when data last arrived */
    this.lastAtMs = null;
  }

  /** New data: said at once, not at the next second's render, so the label never lags the figures. */
  mark() {
    this.lastAtMs = Date.now();
    this.render();
  }

  render() {
    const connected = this.isConnected();
    if (this.lastAtMs === null) {
      setText(this.label, connected ? 'waiting for data…' : 'no data: not connected');
      setAttr(this.panel, 'data-stale', connected ? null : 'true');
      return;
    }
    const age = Date.now() - this.lastAtMs;
    const stale = !connected || age > this.staleAfterMs;
    setAttr(this.panel, 'data-stale', stale ? 'true' : null);
    setText(this.label, stale ? `STALE: last data ${formatAge(age)} ago (${formatTime(this.lastAtMs)})` : `live · updated ${formatAge(age)} ago`);
  }
}

export class ConnectionIndicator {
  /**
   * @param {(message: string) => void} announce told once when the connection is lost and when it is
   *   back: the banner's own text changes every second, which a screen reader must not read out each time
   */
  constructor(announce) {
    this.announce = announce;
    this.pill = byId('connection');
    this.banner = byId('connection-banner');
    /** @type {StreamState} */
    this.state = { status: 'connecting', attempt: 0, retryAtMs: null, lastMessageAtMs: null };
    /** @type {number | null} when the connection was last known good */
    this.lostAtMs = null;
  }

  get connected() {
    return this.state.status === 'live';
  }

  /** @param {StreamState} state */
  update(state) {
    if (state.status === 'live') this.lostAtMs = null;
    else this.lostAtMs ??= Date.now();
    this.state = state;
    this.render();
  }

  render() {
    const { status, attempt, retryAtMs, lastMessageAtMs } = this.state;
    setAttr(this.pill, 'data-status', status);
    const retryIn = retryAtMs === null ? '' : Math.max(0, Math.ceil((retryAtMs - Date.now()) / 1000));
    const pill = status === 'live' ? 'LIVE' : status === 'connecting' ? 'CONNECTING…' : status === 'unauthorized' ? 'KEY REFUSED' : `RECONNECTING${retryIn === '' ? '…' : ` in ${retryIn} s`}`;
    setText(this.pill, pill);
    const showBanner = this.lostAtMs !== null && Date.now() - this.lostAtMs > BANNER_AFTER_MS;
    if (showBanner === this.banner.hidden) this.announce(showBanner ? 'Connection to the server lost: the figures are not current.' : 'Connection restored: the figures are live again.');
    this.banner.hidden = !showBanner;
    document.body.toggleAttribute('data-offline', showBanner);
    if (showBanner) {
      const since = lastMessageAtMs === null ? 'No live data has arrived yet' : `Last live data at ${formatTime(lastMessageAtMs)}, ${formatAge(Date.now() - lastMessageAtMs)} ago`;
      const next = status === 'unauthorized' ? 'The server refused this page’s key: enter a key to reconnect.' : 'Reconnecting by itself.';
      setText(this.banner, `Connection to the server lost (attempt ${attempt}). ${since}: the figures below are not current. ${next}`);
    }
  }
}

export function startClock() {
  const clock = byId('clock');
  const render = () => {
    setText(clock, formatTime(Date.now()));
    clock.setAttribute('datetime', new Date().toISOString());
  };
  render();
  return render;
}
