// Milestone crossings and projections with plain numbers.
import { describe, expect, it } from 'vitest';
import { milestoneCrossings, projectMilestones } from '../../../core/domain/water/milestones.ts';

const DAY = 86_400_000;

describe('milestones', () => {
  it('interpolates each crossing between the points around it, several in one step if need be', () => {
    const points = [
      { atMs: 0, tonnes: 900_000 },
      { atMs: DAY, tonnes: 1_100_000 },
      { atMs: 2 * DAY, tonnes: 3_100_000 },
    ];
    expect(milestoneCrossings(points, 1_000_000)).toEqual([
      { tonnes: 1_000_000, crossedAtMs: DAY / 2 },
      { tonnes: 2_000_000, crossedAtMs: DAY + 0.45 * DAY },
      { tonnes: 3_000_000, crossedAtMs: DAY + 0.95 * DAY },
    ]);
  });

  it('counts a milestone reached exactly at a point once', () => {
    expect(milestoneCrossings([{ atMs: 0, tonnes: 0 }, { atMs: DAY, tonnes: 1_000_000 }, { atMs: 2 * DAY, tonnes: 1_500_000 }], 1_000_000)).toEqual([{ tonnes: 1_000_000, crossedAtMs: DAY }]);
  });

  it('projects the next milestones at the trailing rate, or not at all when nothing flows', () => {
    const rate = 10_000 / DAY;
    expect(projectMilestones({ atMs: 0, tonnes: 19_950_000 }, rate, 1_000_000, 2)).toEqual([
      { tonnes: 20_000_000, projectedAtMs: 5 * DAY },
      { tonnes: 21_000_000, projectedAtMs: 105 * DAY },
    ]);
    expect(projectMilestones({ atMs: 0, tonnes: 5 }, 0, 1_000_000, 1)).toEqual([{ tonnes: 1_000_000, projectedAtMs: null }]);
  });

  it('gives no date past a century ahead: a trickle after start must not project beyond any calendar', () => {
    const trickle = 1e-12; // t per ms: a meter that barely moved in the trailing window
    expect(projectMilestones({ atMs: Date.UTC(2026, 10, 24), tonnes: 0 }, trickle, 1_000_000, 1)).toEqual([{ tonnes: 1_000_000, projectedAtMs: null }]);
    const justInside = 1_000_000 / (99 * 365.25 * DAY);
    expect(projectMilestones({ atMs: 0, tonnes: 0 }, justInside, 1_000_000, 1)[0]!.projectedAtMs).toBe(Math.round(99 * 365.25 * DAY));
  });
});
