// One websocket client: authorisation, its channel set, a bounded outgoing queue, heartbeats. It is
// dropped (4008) rather than ever making the hub wait, and closed (4401) when not authorised.
import { ChannelMatcher } from './channel-pattern.ts';
import type { EventHub } from './event-hub.ts';
import { SendQueue, type FrameSink } from './send-queue.ts';
import { eventFrame, type StreamEvent } from './stream-event.ts';
import { CloseCode, encode, parseClientMessage, type ClientMessage, type ProtocolErrorCode } from './stream-protocol.ts';

/** What a role may read; `canRead` sees both patterns (on subscribe) and concrete channels. */
export interface ChannelAccess {
  canRead(channel: string): boolean;
}

export const allowAll: ChannelAccess = { canRead: () => true };

/** What the session needs of a ws WebSocket (structural, so a test can pass a fake). */
export interface SessionSocket extends FrameSink {
  readonly readyState: number;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): unknown;
  on(event: 'pong' | 'close', listener: () => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** A ws message payload (ws's RawData). */
export type RawData = Buffer | ArrayBuffer | Buffer[];

export type DropReason = 'slow_consumer' | 'heartbeat_timeout';

export interface SessionLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ClientSessionOptions {
  readonly socket: SessionSocket;
  readonly hub: EventHub;
  /** Resolves the client's access; null closes the socket with 4401. */
  readonly authorize: () => Promise<ChannelAccess | null>;
  readonly heartbeatIntervalMs: number;
  readonly maxQueuedMessages: number;
  readonly maxBufferedBytes: number;
  /** How long a closing socket gets to finish the close handshake before it is destroyed. */
  readonly closeGraceMs: number;
  readonly maxChannels: number;
  readonly clock: () => number;
  readonly logger: SessionLogger;
  readonly onDropped?: (reason: DropReason) => void;
}

type State = 'authorising' | 'open' | 'closing' | 'closed';
// Messages a client sends before authorisation answers are kept, up to this many; more closes it.
const MAX_EARLY_MESSAGES = 32;
const OPEN = 1;

export class ClientSession {
  private state: State = 'authorising';
  private access: ChannelAccess = allowAll;
  private readonly patterns = new Set<string>();
  private wildcards = false;
  private readonly readable = new Map<string, boolean>();
  private readonly early: Array<[RawData, boolean]> = [];
  private readonly queue: SendQueue;
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private missedPongs = 0;
  private readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(private readonly options: ClientSessionOptions) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.queue = new SendQueue({
      sink: options.socket,
      maxQueuedMessages: options.maxQueuedMessages,
      maxBufferedBytes: options.maxBufferedBytes,
      onOverflow: ({ queued, bufferedBytes }) => this.drop('slow_consumer', `slow consumer: ${queued} messages queued, ${bufferedBytes} bytes buffered`),
    });
  }

  /** Resolves once the socket has closed and every timer and listener is gone. */
  get done(): Promise<void> {
    return this.closed;
  }

  start(): void {
    const { socket } = this.options;
    socket.on('message', this.onMessage);
    socket.on('pong', this.onPong);
    socket.on('close', this.onClose);
    Promise.resolve()
      .then(() => this.options.authorize())
      .then(this.onAuthorised, (error: unknown) => {
        this.options.logger.error({ err: error }, 'websocket authorisation failed');
        this.close(CloseCode.internalError, 'authorisation failed');
      });
  }

  /** Closes the socket (1001 unless told otherwise); `done` resolves when it is gone. */
  stop(code: number = CloseCode.goingAway, reason = 'server shutting down'): Promise<void> {
    this.close(code, reason);
    return this.closed;
  }

  private readonly onAuthorised = (access: ChannelAccess | null): void => {
    if (this.state !== 'authorising') return;
    if (access === null) {
      this.close(CloseCode.unauthorized, 'unauthorized');
      return;
    }
    this.access = access;
    this.state = 'open';
    this.heartbeat = setInterval(this.beat, this.options.heartbeatIntervalMs);
    for (const [data, isBinary] of this.early.splice(0)) this.receive(data, isBinary);
  };

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.state === 'open') this.receive(data, isBinary);
    else if (this.state !== 'authorising') return;
    else if (this.early.length < MAX_EARLY_MESSAGES) this.early.push([data, isBinary]);
    else this.close(CloseCode.policyViolation, 'too many messages before authorisation');
  };

  private readonly onPong = (): void => {
    this.missedPongs = 0;
  };

  private readonly onClose = (): void => {
    this.state = 'closed';
    this.release();
    clearTimeout(this.graceTimer);
    const { socket } = this.options;
    socket.off('message', this.onMessage);
    socket.off('pong', this.onPong);
    socket.off('close', this.onClose);
    this.resolveClosed();
  };

  // A client that has not answered two pings is gone or wedged; waiting on a close handshake it will
  // never complete only holds its buffers longer.
  private readonly beat = (): void => {
    if (this.missedPongs >= 2) {
      this.options.onDropped?.('heartbeat_timeout');
      this.state = 'closing';
      this.release();
      this.options.socket.terminate();
      return;
    }
    this.missedPongs += 1;
    this.options.socket.ping();
    this.queue.push(encode({ type: 'heartbeat', at: this.now(), lastEventId: this.options.hub.lastEventId }));
  };

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.reject('BINARY_NOT_SUPPORTED', 'send JSON text frames');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return this.reject(parsed.code, parsed.message);
    this.handle(parsed.message);
  }

  private handle(message: ClientMessage): void {
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(message.channels, message.after);
      case 'unsubscribe': {
        for (const channel of message.channels) this.patterns.delete(channel);
        this.resubscribe();
        return this.queue.push(encode({ type: 'unsubscribed', channels: [...this.patterns] }));
      }
      case 'ping':
        return this.queue.push(encode({ type: 'pong', at: this.now(), ...(message.id === undefined ? {} : { id: message.id }) }));
    }
  }

  // Adds channels. A replay covers only the newly added ones: the others were already live on this
  // connection, so no event is ever delivered twice on one connection.
  private subscribe(requested: string[], after: number | undefined): void {
    const denied = requested.filter((channel) => !this.access.canRead(channel));
    if (denied.length > 0) return this.reject('FORBIDDEN', `not allowed to read ${denied.join(', ')}`);
    const added = [...new Set(requested)].filter((channel) => !this.patterns.has(channel));
    if (this.patterns.size + added.length > this.options.maxChannels) {
      return this.reject('TOO_MANY_CHANNELS', `at most ${this.options.maxChannels} channels per connection`);
    }
    for (const channel of added) this.patterns.add(channel);
    this.resubscribe();
    const { hub } = this.options;
    const replay = after !== undefined && added.length > 0 ? hub.since(after, added) : { events: [], complete: true };
    const events = this.wildcards && this.access !== allowAll ? replay.events.filter((e) => this.mayRead(e.channel)) : replay.events;
    this.queue.push(
      encode({ type: 'subscribed', channels: [...this.patterns], added, lastEventId: hub.lastEventId, replayComplete: replay.complete, replayed: events.length }),
    );
    this.queue.pushReplay(events);
  }

  // One hub subscription for the whole set, replaced synchronously: no event falls in between, and an
  // event matching two of the patterns arrives once.
  private resubscribe(): void {
    this.unsubscribe?.();
    this.wildcards = new ChannelMatcher(this.patterns).hasWildcards;
    this.unsubscribe = this.patterns.size > 0 ? this.options.hub.subscribe(this.onEvent, [...this.patterns]) : undefined;
  }

  private readonly onEvent = (event: StreamEvent): void => {
    if (this.wildcards && this.access !== allowAll && !this.mayRead(event.channel)) return;
    this.queue.push(eventFrame(event));
  };

  // A wildcard the role may read can still cover a channel it may not; checked once per channel.
  private mayRead(channel: string): boolean {
    let allowed = this.readable.get(channel);
    if (allowed === undefined) {
      if (this.readable.size >= 1024) this.readable.clear();
      allowed = this.access.canRead(channel);
      this.readable.set(channel, allowed);
    }
    return allowed;
  }

  private reject(code: ProtocolErrorCode, message: string): void {
    this.queue.push(encode({ type: 'error', code, message }));
  }

  private drop(reason: DropReason, detail: string): void {
    if (this.state !== 'open') return;
    this.options.logger.warn({ reason, detail }, 'websocket client dropped');
    this.options.onDropped?.(reason);
    this.release();
    // Bypasses the queue: it lands behind what the socket already holds, which the client reads first.
    if (this.options.socket.readyState === OPEN) this.options.socket.send(encode({ type: 'dropped', reason: detail }), { binary: false });
    this.close(CloseCode.slowConsumer, 'slow consumer');
  }

  private close(code: number, reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.release();
    const { socket } = this.options;
    if (socket.readyState === OPEN) socket.close(code, reason);
    this.graceTimer = setTimeout(() => socket.terminate(), this.options.closeGraceMs);
  }

  // Stops all traffic to the client: hub subscription, queue, heartbeat.
  private release(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.queue.close();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private now(): string {
    return new Date(this.options.clock()).toISOString();
  }
}
