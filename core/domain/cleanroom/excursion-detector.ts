// Particle excursion detection for one counter and size channel (ISO 14644-2 monitoring practice): raise
// after N of the last M samples above a level, clear after K consecutive samples below level × (1 − hysteresis).
import type { ChannelLevels, DetectionRules } from './levels.ts';

export type Severity = 'alert' | 'action';

export interface ChannelDetectorState {
  /** The last concentrations, oldest first, as many as the widest raise window needs. */
  readonly recentPerM3: readonly number[];
  /** The severity of the open excursion, null when there is none. */
  readonly active: Severity | null;
  /** The highest concentration of the open excursion. */
  readonly peakPerM3: number | null;
  /** Consecutive samples below the clear threshold. */
  readonly belowClearCount: number;
  /** Consecutive samples below the action level × (1 − hysteresis), while at action. */
  readonly belowActionCount: number;
}

export type DetectorEvent =
  | { readonly type: 'raised'; readonly severity: Severity; readonly levelPerM3: number; readonly concentrationPerM3: number; readonly peakPerM3: number }
  | { readonly type: 'severity-changed'; readonly from: Severity; readonly to: Severity; readonly levelPerM3: number; readonly concentrationPerM3: number }
  | { readonly type: 'cleared'; readonly concentrationPerM3: number; readonly peakPerM3: number };

export interface DetectorStep {
  readonly state: ChannelDetectorState;
  readonly events: readonly DetectorEvent[];
}

export const IDLE_DETECTOR: ChannelDetectorState = Object.freeze({ recentPerM3: Object.freeze([]), active: null, peakPerM3: null, belowClearCount: 0, belowActionCount: 0 });

/**
 * One sample's concentration through the detector. "Above" a level is strictly above: a concentration
 * equal to the class limit complies. At most one event per sample.
 *
 * De-escalation: an action excursion falls back to alert after K consecutive samples below
 * action × (1 − hysteresis) while not yet K below the clear threshold, so the status tells the truth;
 * the alarm keeps its peak and the record of the action phase.
 */
export function detectExcursion(state: ChannelDetectorState, concentrationPerM3: number, levels: ChannelLevels, rules: DetectionRules): DetectorStep {
  const c = concentrationPerM3;
  const recentPerM3 = [...state.recentPerM3, c].slice(-Math.max(rules.alertRaise.window, rules.actionRaise.window));
  const raising = raisingSeverity(recentPerM3, levels, rules);
  if (state.active === null) {
    if (raising === null) return { state: { ...state, recentPerM3 }, events: [] };
    const peakPerM3 = Math.max(...recentPerM3);
    const levelPerM3 = levelOf(levels, raising);
    return {
      state: { recentPerM3, active: raising, peakPerM3, belowClearCount: 0, belowActionCount: 0 },
      events: [{ type: 'raised', severity: raising, levelPerM3, concentrationPerM3: c, peakPerM3 }],
    };
  }
  const peakPerM3 = Math.max(state.peakPerM3 ?? c, c);
  if (state.active === 'alert' && raising === 'action') {
    return {
      state: { recentPerM3, active: 'action', peakPerM3, belowClearCount: 0, belowActionCount: 0 },
      events: [{ type: 'severity-changed', from: 'alert', to: 'action', levelPerM3: levelOf(levels, 'action'), concentrationPerM3: c }],
    };
  }
  return stepActive({ ...state, recentPerM3, peakPerM3 }, c, levels, rules);
}

function stepActive(state: ChannelDetectorState, c: number, levels: ChannelLevels, rules: DetectionRules): DetectorStep {
  const keep = 1 - rules.hysteresisFraction;
  const clearLevel = levels.alertPerM3 ?? levels.actionPerM3;
  // A channel whose levels were configured away has nothing left to exceed.
  const belowClear = clearLevel === undefined || c < clearLevel * keep;
  const belowAction = levels.actionPerM3 === undefined || c < levels.actionPerM3 * keep;
  const belowClearCount = belowClear ? state.belowClearCount + 1 : 0;
  const belowActionCount = state.active === 'action' && belowAction ? state.belowActionCount + 1 : 0;
  if (belowClearCount >= rules.clearAfterSamples) {
    // A new excursion needs fresh evidence: samples of the last one must not count towards N of M again.
    return { state: IDLE_DETECTOR, events: [{ type: 'cleared', concentrationPerM3: c, peakPerM3: state.peakPerM3 ?? c }] };
  }
  if (state.active === 'action' && levels.alertPerM3 !== undefined && belowActionCount >= rules.clearAfterSamples) {
    return {
      state: { ...state, active: 'alert', belowClearCount, belowActionCount: 0 },
      events: [{ type: 'severity-changed', from: 'action', to: 'alert', levelPerM3: levels.alertPerM3, concentrationPerM3: c }],
    };
  }
  return { state: { ...state, belowClearCount, belowActionCount }, events: [] };
}

/** The highest severity whose N-of-M rule holds over the recent samples. */
function raisingSeverity(recentPerM3: readonly number[], levels: ChannelLevels, rules: DetectionRules): Severity | null {
  if (ruleHolds(recentPerM3, levels.actionPerM3, rules.actionRaise)) return 'action';
  if (ruleHolds(recentPerM3, levels.alertPerM3, rules.alertRaise)) return 'alert';
  return null;
}

function ruleHolds(recentPerM3: readonly number[], levelPerM3: number | undefined, rule: DetectionRules['alertRaise']): boolean {
  if (levelPerM3 === undefined) return false;
  const above = recentPerM3.slice(-rule.window).filter((c) => c > levelPerM3).length;
  return above >= rule.samples;
}

function levelOf(levels: ChannelLevels, severity: Severity): number {
  const level = severity === 'action' ? levels.actionPerM3 : levels.alertPerM3;
  // raisingSeverity only names a severity whose level exists.
  return level as number;
}
