// ISO 14644-1:2015 class limits: the formula with Table 1's rounding reproduces every number of the
// table, and its blank cells are "no limit", never zero.
import { describe, expect, it } from 'vitest';
import {
  classLimit,
  classLimitPerM3,
  classLimitsByChannel,
  formulaConcentrationPerM3,
  roundAsTable1,
  TABLE_1_SIZES_UM,
  type Iso14644Error,
} from '../../../core/domain/cleanroom/iso14644.ts';

const _ = null;

/** DOMAIN.md's table, ISO 5–8: a dash there is null here. */
const DOMAIN_TABLE: Record<number, readonly (number | null)[]> = {
  5: [100_000, 23_700, 10_200, 3_520, 832, _],
  6: [1_000_000, 237_000, 102_000, 35_200, 8_320, 293],
  7: [_, _, _, 352_000, 83_200, 2_930],
  8: [_, _, _, 3_520_000, 832_000, 29_300],
};

/** ISO 14644-1:2015 Table 1, all classes; footnotes c, d and e are null. */
const TABLE_1_2015: Record<number, readonly (number | null)[]> = {
  1: [10, _, _, _, _, _],
  2: [100, 24, 10, _, _, _],
  3: [1_000, 237, 102, 35, _, _],
  4: [10_000, 2_370, 1_020, 352, 83, _],
  ...DOMAIN_TABLE,
  9: [_, _, _, 35_200_000, 8_320_000, 293_000],
};

const cells = (table: Record<number, readonly (number | null)[]>) =>
  Object.entries(table).flatMap(([isoClass, row]) => row.map((expected, i) => [Number(isoClass), TABLE_1_SIZES_UM[i]!, expected] as const));

describe('ISO 14644-1 class limits', () => {
  it.each(cells(DOMAIN_TABLE))('ISO %d at %d µm is %s, as in DOMAIN.md', (isoClass, sizeUm, expected) => {
    expect(classLimitPerM3(isoClass, sizeUm)).toBe(expected);
  });

  it.each(cells(TABLE_1_2015))('ISO %d at %d µm is %s, as in Table 1 (2015)', (isoClass, sizeUm, expected) => {
    expect(classLimitPerM3(isoClass, sizeUm)).toBe(expected);
  });

  it('says why a cell is blank', () => {
    expect(classLimit(8, 0.3)).toEqual({ perM3: null, reason: 'too_high_concentration' });
    expect(classLimit(5, 5)).toEqual({ perM3: null, reason: 'large_particle_losses' });
    expect(classLimit(3, 1)).toEqual({ perM3: null, reason: 'too_low_concentration' });
    expect(classLimit(8, 0.5)).toEqual({ perM3: 3_520_000 });
  });

  it('rounds to the nearest whole number with at most three significant figures', () => {
    expect(formulaConcentrationPerM3(5, 0.2)).toBeCloseTo(23_651.4, 0);
    expect(roundAsTable1(23_651.4)).toBe(23_700);
    expect(roundAsTable1(3_520.7)).toBe(3_520);
    expect(roundAsTable1(29.3)).toBe(29);
    // Rounding once, not via three figures first: 2.4996 → 2 (not "2.50" → 3).
    expect(roundAsTable1(2.4996)).toBe(2);
    expect(roundAsTable1(999.6)).toBe(1_000);
  });

  it('gives the limits of the device size channels', () => {
    expect(classLimitsByChannel(8)).toEqual({ '0.3': null, '0.5': 3_520_000, '1.0': 832_000, '5.0': 29_300 });
    expect(classLimitsByChannel(5)).toEqual({ '0.3': 10_200, '0.5': 3_520, '1.0': 832, '5.0': null });
  });

  it('serves intermediate classes from the formula', () => {
    expect(classLimitPerM3(6.5, 0.5)).toBe(111_000);
  });

  it.each([
    [0.5, 0.5, 'ISO_CLASS_OUT_OF_RANGE'],
    [10, 0.5, 'ISO_CLASS_OUT_OF_RANGE'],
    [Number.NaN, 0.5, 'ISO_CLASS_OUT_OF_RANGE'],
    [8, 0.05, 'PARTICLE_SIZE_OUT_OF_RANGE'],
    [8, 10, 'PARTICLE_SIZE_OUT_OF_RANGE'],
  ])('refuses class %d at %d µm with %s', (isoClass, sizeUm, code) => {
    expect(() => classLimitPerM3(isoClass, sizeUm)).toThrow(expect.objectContaining<Partial<Iso14644Error>>({ code: code as Iso14644Error['code'] }));
  });
});
