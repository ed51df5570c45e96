// The in-process event hub behind the websocket: engines publish, sessions subscribe. Publishing
// never waits on a subscriber; ids strictly increase; a bounded history serves replay by last id.
import { ChannelMatcher, isChannelName, isWildcard, prefixesOf, wildcardPrefix } from './channel-pattern.ts';
import type { EventLog } from './event-log.ts';
import { EventRing } from './event-ring.ts';
import { eventJson, rememberFrame, type StreamEvent } from './stream-event.ts';

export type StreamListener = (event: StreamEvent) => void;

export interface ReplayResult {
  readonly events: StreamEvent[];
  /** False when `afterId` lies before the kept history (or is unknown): refetch state via REST. */
  readonly complete: boolean;
}

export interface HubLogger {
  error(details: object, message: string): void;
}

export interface EventHubOptions {
  /** Events kept for replay, per kind: durable and memory-only channels each keep this many. */
  readonly historyLimit?: number;
  /** Epoch ms; Date.now unless a test fixes time. */
  readonly clock?: () => number;
  /** Where durable channels go so they replay after a restart; memory-only without it. */
  readonly persistence?: EventLog;
  /** Patterns of channels written to `persistence`; default alarms and alarms:*. */
  readonly durableChannels?: readonly string[];
  /** Ids reserved per persistence write for memory-only events; default 10,000. */
  readonly idBlockSize?: number;
  readonly logger?: HubLogger;
}

export class StreamHubError extends Error {
  constructor(
    readonly code: 'INVALID_CHANNEL' | 'INVALID_EVENT_TYPE' | 'DATA_NOT_SERIALISABLE',
    message: string,
  ) {
    super(message);
    this.name = 'StreamHubError';
  }
}

interface Subscription {
  readonly listener: StreamListener;
  /** Newest id this subscription has seen, so overlapping patterns deliver an event once. */
  seenUpTo: number;
}

export class EventHub {
  private readonly clock: () => number;
  private readonly persistence: EventLog | undefined;
  private readonly durable: ChannelMatcher;
  private readonly idBlockSize: number;
  private readonly logger: HubLogger | undefined;
  private readonly durableHistory: EventRing;
  private readonly memoryHistory: EventRing;
  private readonly exact = new Map<string, Set<Subscription>>();
  private readonly prefixed = new Map<string, Set<Subscription>>();
  private lastId = 0;
  private reservedUpTo = 0;

  constructor(options: EventHubOptions = {}) {
    const historyLimit = options.historyLimit ?? 10_000;
    if (!Number.isInteger(historyLimit) || historyLimit < 1) throw new RangeError(`historyLimit must be a positive integer, got ${historyLimit}`);
    this.clock = options.clock ?? Date.now;
    this.persistence = options.persistence;
    this.durable = new ChannelMatcher(options.durableChannels ?? ['alarms', 'alarms:*']);
    this.idBlockSize = options.idBlockSize ?? 10_000;
    this.logger = options.logger;
    const loaded = this.persistence?.load(historyLimit) ?? { events: [], highestId: 0, horizon: 0 };
    this.durableHistory = new EventRing(historyLimit, loaded.horizon);
    for (const event of loaded.events) this.durableHistory.push(event);
    this.lastId = Math.max(loaded.highestId, loaded.events.at(-1)?.id ?? 0);
    this.reservedUpTo = this.lastId;
    // Memory-only events from before a restart are gone: a replay reaching back past it is incomplete.
    this.memoryHistory = new EventRing(historyLimit, this.lastId);
  }

  get lastEventId(): number {
    return this.lastId;
  }

  get subscriberCount(): number {
    const all = new Set<Subscription>();
    for (const set of [...this.exact.values(), ...this.prefixed.values()]) for (const s of set) all.add(s);
    return all.size;
  }

  /** Records and fans out one event. Listeners run synchronously and must only enqueue. */
  publish(channel: string, type: string, data: unknown): StreamEvent {
    if (!isChannelName(channel)) throw new StreamHubError('INVALID_CHANNEL', `invalid channel "${channel}"`);
    if (typeof type !== 'string' || type.length === 0) throw new StreamHubError('INVALID_EVENT_TYPE', 'an event needs a non-empty type');
    const event: StreamEvent = { id: this.lastId + 1, channel, type, at: new Date(this.clock()).toISOString(), data: data ?? null };
    let json: string;
    try {
      json = eventJson(event);
    } catch (error) {
      throw new StreamHubError('DATA_NOT_SERIALISABLE', `event data on "${channel}" is not JSON: ${(error as Error).message}`);
    }
    this.lastId = event.id;
    rememberFrame(event, json);
    const durable = this.durable.has(channel);
    if (this.persistence) this.persist(event, durable);
    (durable ? this.durableHistory : this.memoryHistory).push(event);
    this.dispatch(event);
    return event;
  }

  /** Kept events after `afterId` on the given channel patterns, oldest first. */
  since(afterId: number, channels: readonly string[]): ReplayResult {
    const matcher = new ChannelMatcher(channels);
    const accept = (event: StreamEvent) => matcher.has(event.channel);
    const events = mergeById(this.durableHistory.after(afterId, accept), this.memoryHistory.after(afterId, accept));
    const mayBeDurable = channels.some((c) => this.durable.mayOverlap(c));
    const mayBeMemory = channels.some((c) => isWildcard(c) || !this.durable.has(c));
    const horizon = Math.max(mayBeDurable ? this.durableHistory.horizon : 0, mayBeMemory ? this.memoryHistory.horizon : 0);
    return { events, complete: afterId <= this.lastId && afterId >= horizon };
  }

  /** Calls `listener` for every later event on the channel patterns. Returns the unsubscribe. */
  subscribe(listener: StreamListener, channels: readonly string[]): () => void {
    const subscription: Subscription = { listener, seenUpTo: this.lastId };
    const entries: Array<[Map<string, Set<Subscription>>, string]> = [...new Set(channels)].map((c) =>
      isWildcard(c) ? [this.prefixed, wildcardPrefix(c)] : [this.exact, c],
    );
    for (const [index, key] of entries) {
      const set = index.get(key) ?? new Set<Subscription>();
      set.add(subscription);
      index.set(key, set);
    }
    return () => {
      for (const [index, key] of entries) {
        const set = index.get(key);
        set?.delete(subscription);
        if (set?.size === 0) index.delete(key);
      }
    };
  }

  private persist(event: StreamEvent, durable: boolean): void {
    // A failing disk must not stop live delivery: the event still goes out, and the failure is loud.
    try {
      if (durable) this.persistence!.append(event);
      if (event.id > this.reservedUpTo) {
        const upTo = event.id + this.idBlockSize - 1;
        this.persistence!.reserveIds(upTo);
        this.reservedUpTo = upTo;
      }
    } catch (error) {
      this.report({ err: error, eventId: event.id, channel: event.channel }, 'stream event not persisted');
    }
  }

  private dispatch(event: StreamEvent): void {
    this.deliver(this.exact.get(event.channel), event);
    if (this.prefixed.size === 0) return;
    for (const prefix of prefixesOf(event.channel)) this.deliver(this.prefixed.get(prefix), event);
  }

  private deliver(subscriptions: Set<Subscription> | undefined, event: StreamEvent): void {
    if (!subscriptions) return;
    for (const subscription of subscriptions) {
      if (subscription.seenUpTo >= event.id) continue;
      subscription.seenUpTo = event.id;
      try {
        subscription.listener(event);
      } catch (error) {
        this.report({ err: error, eventId: event.id, channel: event.channel }, 'stream listener failed');
      }
    }
  }

  private report(details: object, message: string): void {
    if (this.logger) this.logger.error(details, message);
    else process.emitWarning(`${message}: ${JSON.stringify(details, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`);
  }
}

function mergeById(a: StreamEvent[], b: StreamEvent[]): StreamEvent[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const merged: StreamEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) merged.push(a[i]!.id < b[j]!.id ? a[i++]! : b[j++]!);
  while (i < a.length) merged.push(a[i++]!);
  while (j < b.length) merged.push(b[j++]!);
  return merged;
}
