// A test driver around the pure cleanroom engine: holds the state, a fake clock and the transition log,
// and deep-freezes every state it hands back in, so any mutation by the engine would throw.
import type { AlarmInstance, AlarmTransition } from '../../../core/domain/cleanroom/alarm-types.ts';
import type { CleanroomConfig } from '../../../core/domain/cleanroom/cleanroom-config.ts';
import {
  acknowledge,
  applySample,
  checkStale,
  createEngineState,
  expireShelves,
  openAlarms,
  shelve,
  unshelve,
  type CleanroomEngineState,
  type EngineResult,
} from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import type { ParticleSample } from '../../../core/domain/readings.ts';
import { aConfig, at05, deepFreeze, fakeClock, MINUTE_MS, type FakeClock } from './cleanroom-fixtures.ts';

export interface Driver {
  readonly config: CleanroomConfig;
  readonly clock: FakeClock;
  readonly log: AlarmTransition[];
  state: CleanroomEngineState;
  sample(sample: ParticleSample): EngineResult;
  /** Advances the clock one minute per value and feeds a 0.5 µm sample of that concentration at the new time. */
  feed(values: readonly number[], counterId?: string): EngineResult[];
  checkStale(): EngineResult;
  ack(alarmId: string, comment?: string): EngineResult;
  shelve(alarmId: string, forMs: number): EngineResult;
  unshelve(alarmId: string): EngineResult;
  expireShelves(): EngineResult;
  /** The only open alarm; fails the test if there is not exactly one. */
  onlyAlarm(): AlarmInstance;
}

export function driver(config: CleanroomConfig = aConfig(), options: { clock?: FakeClock; state?: CleanroomEngineState } = {}): Driver {
  const clock = options.clock ?? fakeClock();
  const log: AlarmTransition[] = [];
  const d: Driver = {
    config,
    clock,
    log,
    state: deepFreeze(options.state ?? createEngineState(config, clock.now())),
    sample: (sample) => take(applySample(d.state, sample, config, clock.now())),
    feed: (values, counterId) => values.map((v) => (clock.advance(MINUTE_MS), d.sample(at05(clock.now(), v, counterId)))),
    checkStale: () => take(checkStale(d.state, config, clock.now())),
    ack: (alarmId, comment = 'assignable cause found') => take(acknowledge(d.state, alarmId, 'operator.lin', comment, clock.now())),
    shelve: (alarmId, forMs) => take(shelve(d.state, alarmId, 'supervisor.chen', 'maintenance', clock.now() + forMs, clock.now())),
    unshelve: (alarmId) => take(unshelve(d.state, alarmId, 'supervisor.chen', null, clock.now())),
    expireShelves: () => take(expireShelves(d.state, clock.now())),
    onlyAlarm: () => {
      const alarms = openAlarms(d.state);
      if (alarms.length !== 1) throw new Error(`expected exactly one open alarm, found ${alarms.length}`);
      return alarms[0]!;
    },
  };
  function take(result: EngineResult): EngineResult {
    d.state = deepFreeze(result.state);
    log.push(...result.transitions);
    return result;
  }
  return d;
}

/** Transitions as compact "cause:from>to:severity" labels, for readable expectations. */
export const labels = (transitions: readonly AlarmTransition[]): string[] => transitions.map((t) => `${t.cause}:${t.from}>${t.to}:${t.severity}`);
