// applySamples on a batch gives what applySample one sample at a time gives: the same state, the
// same transitions in the same order, every changed alarm once as it ended up; the input untouched.
import { describe, expect, it } from 'vitest';
import type { AlarmInstance } from '../../../core/domain/cleanroom/alarm-types.ts';
import { applySample, applySamples, createEngineState, type CleanroomEngineState } from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import type { ParticleSample } from '../../../core/domain/readings.ts';
import { aConfig, aRoom, aSample, at05, deepFreeze, MINUTE_MS, T0 } from './cleanroom-fixtures.ts';

const config = aConfig([aRoom(), aRoom({ id: 'litho', counterIds: ['pms-07'] })]);
const NOW = T0 + 60 * MINUTE_MS;

/** Raise at alert, escalate to action, clear; a redelivery, an unknown counter, a second room in between. */
function mixedSamples(): ParticleSample[] {
  const levels = [2_500_000, 2_600_000, 3_600_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000];
  const samples: ParticleSample[] = [];
  levels.forEach((perM3, i) => {
    samples.push(at05(T0 + (i + 1) * MINUTE_MS, perM3));
    samples.push(aSample(T0 + (i + 1) * MINUTE_MS, { '0.5': perM3, '5.0': 40_000 }, { roomId: 'litho', counterId: 'pms-07' }));
  });
  samples.splice(3, 0, at05(T0 + MINUTE_MS, 9_999_999)); // older than the counter's last: ignored
  samples.push(aSample(T0 + 9 * MINUTE_MS, { '0.5': 1 }, { counterId: 'pms-99' })); // not configured: ignored
  return samples;
}

function oneByOne(state: CleanroomEngineState, samples: readonly ParticleSample[]) {
  const transitions = [];
  const alarms = new Map<string, AlarmInstance>();
  for (const sample of samples) {
    const result = applySample(state, sample, config, NOW);
    state = result.state;
    transitions.push(...result.transitions);
    for (const alarm of result.alarms) alarms.set(alarm.id, alarm);
  }
  return { state, transitions, alarms: [...alarms.values()] };
}

describe('applySamples', () => {
  it('equals applying the samples one by one, without touching the state it was given', () => {
    const start = deepFreeze(createEngineState(config, T0));
    const expected = oneByOne(start, mixedSamples());
    const batch = applySamples(start, mixedSamples(), config, NOW);
    // Both rooms' 0.5 µm alarms raise, escalate and clear; litho's 5.0 µm one raises at action and stays.
    expect(expected.transitions.map((t) => t.cause).sort()).toEqual(['cleared', 'cleared', 'raised', 'raised', 'raised', 'severity-changed', 'severity-changed']);
    expect(batch.transitions).toEqual(expected.transitions);
    expect(batch.state).toEqual(expected.state);
    expect(sortById(batch.alarms)).toEqual(sortById(expected.alarms));
    expect(batch.ignored).toBeNull();
  });

  it('returns the very state it was given when every sample is ignored', () => {
    const start = deepFreeze(createEngineState(config, T0));
    const after = applySamples(start, [at05(T0 + MINUTE_MS, 1)], config, NOW).state;
    const batch = applySamples(after, [at05(T0 + MINUTE_MS, 1), at05(T0, 1), aSample(T0, { '0.5': 1 }, { counterId: 'pms-99' })], config, NOW);
    expect(batch.state).toBe(after);
    expect(batch.transitions).toEqual([]);
  });
});

const sortById = (alarms: readonly AlarmInstance[]) => [...alarms].sort((a, b) => (a.id < b.id ? -1 : 1));
