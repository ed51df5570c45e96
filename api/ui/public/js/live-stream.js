// @ts-check
// The websocket client (protocol: api/streams/stream-protocol.ts). Subscribes with `after` = the last
// event id it saw, so a reconnect replays what it missed; asks for a REST resync when the server says
// the replay is incomplete; reconnects by itself with backoff; treats a silent socket as dead.
// A browser cannot set headers on a WebSocket, so the key travels as a subprotocol (docs/security.md):
// `k14.v1` first (the one the server echoes), then `k14.bearer.<key>`. A refused key closes with 4401.

/** @typedef {import('./api-types').StreamEvent} StreamEvent */
/** @typedef {import('./api-types').ServerMessage} ServerMessage */
/** @typedef {'connecting' | 'live' | 'reconnecting' | 'unauthorized'} StreamStatus */
/** @typedef {{ status: StreamStatus, attempt: number, retryAtMs: number | null, lastMessageAtMs: number | null }} StreamState */
/** @typedef {'initial' | 'gap'} ResyncReason */

/**
 * @typedef {object} LiveStreamOptions
 * @property {readonly string[]} channels
 * @property {(event: StreamEvent, replayed: boolean) => void} onEvent replayed: missed while disconnected
 * @property {(state: StreamState) => void} onState
 * @property {(reason: ResyncReason) => void} onResync state must be fetched again over REST
 * @property {number} silenceMs
 * @property {() => string | null} key the API key to offer; null offers none (AUTH=off)
 * @property {(key: string | null) => void} onUnauthorized the server refused this key (4401): call resume() once there is another
 * @property {(code: string, message: string) => void} [onProtocolError] the server refused a message (say a channel the role may not read)
 * @property {string} [url]
 */

const PROTOCOL = 'k14.v1';
const BEARER_PREFIX = 'k14.bearer.';
/** api/streams/stream-protocol.ts CloseCode.unauthorized */
const CLOSE_UNAUTHORIZED = 4401;
const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000];

export class LiveStream {
  /** @param {LiveStreamOptions} options */
  constructor(options) {
    this.options = options;
    this.url = options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    /** @type {number | null} */
    this.lastEventId = null;
    /** @type {WebSocket | null} */
    this.socket = null;
    this.attempt = 0;
    /** Events still to come of the replay the last 'subscribed' announced. */
    this.replayRemaining = 0;
    this.stopped = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.silenceTimer = undefined;
    /** @type {StreamState} */
    this.state = { status: 'connecting', attempt: 0, retryAtMs: null, lastMessageAtMs: null };
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.socket?.close(1000, 'page closed');
    this.socket = null;
  }

  /** After a refused key: connects again at once, with the key now in place, resuming from the last event id. */
  resume() {
    if (this.stopped || this.socket) return;
    this.attempt = 0;
    this.connect();
  }

  connect() {
    clearTimeout(this.retryTimer);
    const key = this.options.key();
    const socket = new WebSocket(this.url, key === null ? [PROTOCOL] : [PROTOCOL, `${BEARER_PREFIX}${key}`]);
    this.socket = socket;
    this.setState({ status: this.attempt === 0 ? 'connecting' : 'reconnecting', retryAtMs: null });
    socket.addEventListener('open', () => {
      this.armSilence(socket);
      /** @type {{ type: 'subscribe', channels: string[], after?: number }} */
      const subscribe = { type: 'subscribe', channels: [...this.options.channels] };
      if (this.lastEventId !== null) subscribe.after = this.lastEventId;
      socket.send(JSON.stringify(subscribe));
    });
    socket.addEventListener('message', (message) => {
      if (socket !== this.socket) return;
      this.armSilence(socket);
      this.state.lastMessageAtMs = Date.now();
      if (typeof message.data === 'string') this.receive(message.data);
    });
    // 'error' is always followed by 'close', where the retry is scheduled.
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      if (event.code !== CLOSE_UNAUTHORIZED) return this.scheduleRetry();
      // Retrying the same key would be refused again: wait for resume() with another.
      clearTimeout(this.silenceTimer);
      this.socket = null;
      this.setState({ status: 'unauthorized', retryAtMs: null });
      this.options.onUnauthorized(key);
    });
  }

  /** @param {string} text */
  receive(text) {
    /** @type {ServerMessage} */
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    switch (message.type) {
      case 'subscribed': {
        this.attempt = 0;
        this.setState({ status: 'live', attempt: 0 });
        const first = this.lastEventId === null;
        // Ids below ours: the server lost its event log (a fresh data dir), so ours mean nothing there.
        const reset = this.lastEventId !== null && message.lastEventId < this.lastEventId;
        this.replayRemaining = message.replayed;
        if (first || reset || !message.replayComplete) {
          this.lastEventId = message.lastEventId;
          this.options.onResync(first ? 'initial' : 'gap');
        }
        return;
      }
      case 'event': {
        const replayed = this.replayRemaining > 0;
        if (replayed) this.replayRemaining -= 1;
        // Replayed and live events never repeat on one connection; across reconnects the id says.
        if (this.lastEventId !== null && message.event.id <= this.lastEventId) return;
        this.lastEventId = message.event.id;
        this.options.onEvent(message.event, replayed);
        return;
      }
      case 'heartbeat':
        if (this.lastEventId !== null && message.lastEventId < this.lastEventId) {
          this.lastEventId = message.lastEventId;
          this.options.onResync('gap');
        }
        this.setState({});
        return;
      case 'dropped':
        // The server closes right after this; the close handler reconnects with `after`.
        return;
      case 'error':
        this.options.onProtocolError?.(message.code, message.message);
        return;
      default:
        return;
    }
  }

  /** @param {WebSocket} socket */
  armSilence(socket) {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (socket !== this.socket) return;
      // A half-open TCP connection never fires 'close' by itself.
      this.socket = null;
      socket.close(4000, 'no heartbeat');
      this.scheduleRetry();
    }, this.options.silenceMs);
  }

  scheduleRetry() {
    clearTimeout(this.silenceTimer);
    this.socket = null;
    if (this.stopped) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 30_000;
    // Jitter keeps a room full of wall screens from reconnecting in lockstep after a server restart.
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    this.setState({ status: 'reconnecting', attempt: this.attempt, retryAtMs: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** @param {Partial<StreamState>} change */
  setState(change) {
    this.state = { ...this.state, ...change };
    this.options.onState(this.state);
  }
}
