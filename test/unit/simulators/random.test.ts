// The seeded PRNG and hashed noise: same seed, same stream; the draws have the asked distributions.
import { describe, expect, it } from 'vitest';
import { createRng, hashNormal, hashUniform, smoothNoise } from '../../../simulators/random.ts';

const draws = (n: number, draw: () => number) => Array.from({ length: n }, draw);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

describe('seeded random', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    expect(draws(5, createRng(42).next)).toEqual(draws(5, createRng(42).next));
    expect(draws(5, createRng(42).next)).not.toEqual(draws(5, createRng(43).next));
  });

  it('draws uniforms in [0, 1) and normals with the asked mean and spread', () => {
    const rng = createRng(1);
    const uniforms = draws(10_000, rng.next);
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
    expect(mean(uniforms)).toBeCloseTo(0.5, 1);
    const normals = draws(20_000, () => rng.normal(10, 2));
    expect(mean(normals)).toBeCloseTo(10, 1);
    expect(sd(normals)).toBeCloseTo(2, 1);
  });

  it.each([0.5, 12, 4_000])('draws Poisson counts with mean and variance λ = %f', (lambda) => {
    const rng = createRng(7);
    const counts = draws(20_000, () => rng.poisson(lambda));
    expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
    expect(mean(counts) / lambda).toBeCloseTo(1, 1);
    expect(sd(counts) ** 2 / lambda).toBeCloseTo(1, 0);
  });

  it('hashes the same keys to the same value, large epoch keys included', () => {
    expect(hashUniform(3, 1, 2)).toBe(hashUniform(3, 1, 2));
    expect(hashUniform(3, 2 ** 40 + 1)).not.toBe(hashUniform(3, 1));
    expect(hashNormal(3, 5)).toBe(hashNormal(3, 5));
    const t = Date.UTC(2020, 0, 1);
    expect(smoothNoise(9, 1, t, 60_000)).toBe(smoothNoise(9, 1, t, 60_000));
    // Continuous: a millisecond apart is almost the same value.
    expect(Math.abs(smoothNoise(9, 1, t + 30_000, 60_000) - smoothNoise(9, 1, t + 30_001, 60_000))).toBeLessThan(1e-3);
  });
});
