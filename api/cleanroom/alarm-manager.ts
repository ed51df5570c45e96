// Owns the cleanroom engine's state and its effects: applies samples in order, runs the stale and
// shelve-expiry timers, persists every change (alarms, audit trail, snapshot) before it is announced,
// and serialises commands so the audit trail has one order. The rules themselves are pure
// (core/domain/cleanroom); this is the ISA-18.2 alarm system's manager around them.
import type { Logger } from 'pino';
import { AlarmNotFoundError, AlarmTransitionError, type AlarmInstance, type AlarmTransition } from '../../core/domain/cleanroom/alarm-types.ts';
import { cleanroomConfig, type CleanroomConfig } from '../../core/domain/cleanroom/cleanroom-config.ts';
import * as engine from '../../core/domain/cleanroom/cleanroom-engine.ts';
import { restore, snapshot } from '../../core/domain/cleanroom/engine-snapshot.ts';
import { roomStatuses, type RoomStatus } from '../../core/domain/cleanroom/room-status.ts';
import type { ParticleSample } from '../../core/domain/readings.ts';
import type { SiteConfig } from '../../core/domain/site/site-schema.ts';
import type { AlarmStore } from '../../core/ports/alarm-store.ts';

export interface AlarmChange {
  readonly alarms: readonly AlarmInstance[];
  readonly transitions: readonly AlarmTransition[];
}

export interface AlarmManagerOptions {
  readonly site: SiteConfig;
  readonly store: AlarmStore;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Called after a change is persisted (websocket, Grafana Live); a failing listener is isolated. */
  readonly onChange?: (change: AlarmChange) => void;
  readonly staleCheckIntervalMs?: number;
  /** After a restart, redelivered samples arrive first: stale checks wait this long. */
  readonly startupGraceMs?: number;
}

export class AlarmManager {
  readonly config: CleanroomConfig;
  private state: engine.CleanroomEngineState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private staleTimer: NodeJS.Timeout | undefined;
  private shelveTimer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: AlarmManagerOptions) {
    this.config = cleanroomConfig(options.site);
    this.clock = options.clock ?? Date.now;
  }

  async start(): Promise<void> {
    const saved = await this.options.store.loadSnapshot();
    this.state = saved ? restore(saved) : engine.createEngineState(this.config, this.clock());
    const interval = this.options.staleCheckIntervalMs ?? 5_000;
    const grace = this.options.startupGraceMs ?? (saved ? 30_000 : 0);
    this.staleTimer = setTimeout(() => {
      this.staleTimer = setInterval(() => this.runInBackground('stale check', (s, now) => engine.checkStale(s, this.config, now)), interval);
    }, grace);
    this.armShelveTimer();
  }

  async stop(): Promise<void> {
    clearTimeout(this.staleTimer);
    clearInterval(this.staleTimer);
    clearTimeout(this.shelveTimer);
    await this.queue.catch(() => {});
  }

  /** Applies samples in order; resolves once their effects are persisted (ack the live message after). */
  applySamples(samples: readonly ParticleSample[]): Promise<void> {
    return this.run('samples', (state, now) => engine.applySamples(state, samples, this.config, now));
  }

  acknowledge(alarmId: string, actor: string, comment: string): Promise<AlarmInstance> {
    return this.command('acknowledge', alarmId, (s, now) => engine.acknowledge(s, alarmId, actor, comment, now));
  }

  shelve(alarmId: string, actor: string, comment: string, durationMs: number): Promise<AlarmInstance> {
    return this.command('shelve', alarmId, (s, now) => engine.shelve(s, alarmId, actor, comment, now + durationMs, now));
  }

  rooms(): RoomStatus[] {
    return this.state ? roomStatuses(this.state, this.config) : [];
  }

  private async command(name: string, alarmId: string, apply: (s: engine.CleanroomEngineState, now: number) => engine.EngineResult): Promise<AlarmInstance> {
    let changed: AlarmInstance | undefined;
    try {
      await this.run(name, (s, now) => {
        const result = apply(s, now);
        changed = result.alarms.find((a) => a.id === alarmId);
        return result;
      });
    } catch (error) {
      // The engine only holds open alarms; one that returned to normal is known to the store.
      const closed = error instanceof AlarmNotFoundError ? await this.options.store.getAlarm(alarmId) : undefined;
      if (closed) throw new AlarmTransitionError('ILLEGAL_TRANSITION', alarmId, closed.state, name, `alarm "${alarmId}" is ${closed.state}: nothing to ${name}`);
      throw error;
    }
    return changed!;
  }

  /** Serialises every state change: compute, persist, then announce. A throw leaves the state as it was. */
  private run(what: string, apply: (s: engine.CleanroomEngineState, now: number) => engine.EngineResult): Promise<void> {
    const next = this.queue.then(async () => {
      if (!this.state) throw new Error('alarm manager used before start()');
      const result = apply(this.state, this.clock());
      if (result.state === this.state) return;
      await this.options.store.saveChanges({ alarms: result.alarms, transitions: result.transitions, snapshot: snapshot(result.state) });
      this.state = result.state;
      if (result.transitions.length) this.announce(what, { alarms: result.alarms, transitions: result.transitions });
      this.armShelveTimer();
    });
    this.queue = next.catch(() => {});
    return next;
  }

  private announce(what: string, change: AlarmChange): void {
    try {
      this.options.onChange?.(change);
    } catch (error) {
      this.options.logger.error({ err: error, what }, 'alarm change listener failed');
    }
  }

  private armShelveTimer(): void {
    clearTimeout(this.shelveTimer);
    const expiry = this.state ? engine.nextShelveExpiry(this.state) : null;
    if (expiry === null) return;
    this.shelveTimer = setTimeout(() => this.runInBackground('shelve expiry', (s, now) => engine.expireShelves(s, now)), Math.max(0, expiry - this.clock()));
  }

  /** Timer work: a failure (store down) is logged and the next tick tries again. */
  private runInBackground(what: string, apply: (s: engine.CleanroomEngineState, now: number) => engine.EngineResult): void {
    this.run(what, apply).catch((error: unknown) => this.options.logger.error({ err: error, what }, 'alarm engine step failed; retrying on the next tick'));
  }
}
