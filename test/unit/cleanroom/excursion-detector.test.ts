// Excursion detection per channel: the consecutive-sample delay, the N-of-M rule, hysteresis on clear,
// escalation and de-escalation, with round levels (alert 100/m³, action 200/m³).
import { describe, expect, it } from 'vitest';
import { detectExcursion, IDLE_DETECTOR, type ChannelDetectorState, type DetectorEvent } from '../../../core/domain/cleanroom/excursion-detector.ts';
import type { ChannelLevels, DetectionRules } from '../../../core/domain/cleanroom/levels.ts';
import { deepFreeze } from './cleanroom-fixtures.ts';

const LEVELS: ChannelLevels = { alertPerM3: 100, actionPerM3: 200 };
const DEFAULT_RULES: DetectionRules = { alertRaise: { samples: 2, window: 2 }, actionRaise: { samples: 1, window: 1 }, clearAfterSamples: 3, hysteresisFraction: 0.1 };

/** Feeds the concentrations in order; returns the events of each sample (a compact label) and the end state. */
function run(values: readonly number[], options: { levels?: ChannelLevels; rules?: DetectionRules; from?: ChannelDetectorState } = {}) {
  let state = options.from ?? IDLE_DETECTOR;
  const labels: string[] = [];
  for (const value of values) {
    const step = detectExcursion(deepFreeze(state), value, options.levels ?? LEVELS, options.rules ?? DEFAULT_RULES);
    state = step.state;
    labels.push(step.events.map(label).join(',') || '-');
  }
  return { labels, state };
}

function label(event: DetectorEvent): string {
  if (event.type === 'raised') return `raised:${event.severity}`;
  if (event.type === 'severity-changed') return `${event.from}>${event.to}`;
  return 'cleared';
}

describe('raising', () => {
  it('raises nothing on one alert-level spike with the default 2-sample delay', () => {
    expect(run([50, 150, 50, 150, 50]).labels).toEqual(['-', '-', '-', '-', '-']);
  });

  it('raises an alert on the second consecutive sample above the alert level', () => {
    expect(run([150, 150]).labels).toEqual(['-', 'raised:alert']);
  });

  it('raises action at once on one sample above the action level', () => {
    const { labels, state } = run([250]);
    expect(labels).toEqual(['raised:action']);
    expect(state).toMatchObject({ active: 'action', peakPerM3: 250 });
  });

  it('counts a sample above action towards the alert delay too', () => {
    const rules = { ...DEFAULT_RULES, actionRaise: { samples: 2, window: 2 } };
    expect(run([250, 150], { rules }).labels).toEqual(['-', 'raised:alert']);
  });

  it('takes "above" strictly: a concentration equal to the level complies', () => {
    expect(run([100, 100, 200, 200]).labels).toEqual(['-', '-', '-', 'raised:alert']);
  });

  it('raises on N of the last M samples, not necessarily consecutive', () => {
    const rules = { ...DEFAULT_RULES, alertRaise: { samples: 3, window: 5 } };
    expect(run([150, 50, 150, 50, 150], { rules }).labels).toEqual(['-', '-', '-', '-', 'raised:alert']);
    // Three above, but never three within any five consecutive samples.
    expect(run([150, 50, 50, 50, 150, 50, 50, 50, 150], { rules }).labels.every((l) => l === '-')).toBe(true);
  });

  it('reports the level crossed and the peak of the raising window', () => {
    const detectorEvents = detectExcursion(detectExcursion(IDLE_DETECTOR, 180, LEVELS, DEFAULT_RULES).state, 120, LEVELS, DEFAULT_RULES).events;
    expect(detectorEvents).toEqual([{ type: 'raised', severity: 'alert', levelPerM3: 100, concentrationPerM3: 120, peakPerM3: 180 }]);
  });

  it('raises nothing on a channel without levels', () => {
    expect(run([1e9, 1e9], { levels: {} }).labels).toEqual(['-', '-']);
  });
});

describe('clearing with hysteresis', () => {
  it('does not clear while values stay between 0.9 × level and the level', () => {
    const { labels, state } = run([150, 150, 95, 91, 90, 99, 95]);
    expect(labels).toEqual(['-', 'raised:alert', '-', '-', '-', '-', '-']);
    expect(state.active).toBe('alert');
  });

  it('clears after K consecutive samples below 0.9 × level, and a sample in the band restarts the count', () => {
    expect(run([150, 150, 80, 80, 95, 80, 80, 89.9]).labels).toEqual(['-', 'raised:alert', '-', '-', '-', '-', '-', 'cleared']);
  });

  it('needs fresh evidence after a clear: old samples do not count towards N of M again', () => {
    const rules = { ...DEFAULT_RULES, alertRaise: { samples: 2, window: 6 } };
    const { labels } = run([150, 150, 50, 50, 50, 150, 50, 150], { rules });
    expect(labels).toEqual(['-', 'raised:alert', '-', '-', 'cleared', '-', '-', 'raised:alert']);
  });

  it('tracks the peak of the excursion and reports it on clear', () => {
    const detectorEvents: DetectorEvent[] = [];
    let state = IDLE_DETECTOR;
    for (const value of [150, 150, 190, 10, 10, 10]) {
      const step = detectExcursion(state, value, LEVELS, DEFAULT_RULES);
      state = step.state;
      detectorEvents.push(...step.events);
    }
    expect(detectorEvents.at(-1)).toEqual({ type: 'cleared', concentrationPerM3: 10, peakPerM3: 190 });
    expect(state).toEqual(IDLE_DETECTOR);
  });
});

describe('escalation and de-escalation', () => {
  it('escalates an alert to action on one sample above the action level', () => {
    expect(run([150, 150, 250]).labels).toEqual(['-', 'raised:alert', 'alert>action']);
  });

  it('falls back to alert after K samples below 0.9 × action that are not below 0.9 × alert', () => {
    const { labels, state } = run([250, 170, 160, 150, 150]);
    expect(labels).toEqual(['raised:action', '-', '-', 'action>alert', '-']);
    expect(state).toMatchObject({ active: 'alert', peakPerM3: 250 });
  });

  it('does not de-escalate while values sit in the action hysteresis band', () => {
    expect(run([250, 190, 185, 199, 190]).labels).toEqual(['raised:action', '-', '-', '-', '-']);
  });

  it('clears an action excursion directly when K samples fall below 0.9 × alert', () => {
    expect(run([250, 50, 50, 50]).labels).toEqual(['raised:action', '-', '-', 'cleared']);
  });

  it('without an alert level, clears an action excursion below 0.9 × action', () => {
    expect(run([250, 170, 170, 170], { levels: { actionPerM3: 200 } }).labels).toEqual(['raised:action', '-', '-', 'cleared']);
  });
});
