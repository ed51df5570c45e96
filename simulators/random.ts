// Seeded randomness for the simulators: a mulberry32 stream for stateful models and stateless hashed
// draws for models that must give the same value for the same instant (live run and backfill alike).

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  /** Integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  chance(probability: number): boolean;
  normal(mean?: number, sd?: number): number;
  /** Poisson-distributed count; the normal approximation above λ = 30 keeps large counts cheap. */
  poisson(lambda: number): number;
}

const UINT32 = 2 ** 32;
const POISSON_EXACT_BELOW = 30;

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32;
  };
  const normal = (mean = 0, sd = 1): number => mean + sd * boxMuller(next(), next());
  return {
    next,
    normal,
    uniform: (min, max) => min + (max - min) * next(),
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    chance: (probability) => next() < probability,
    poisson: (lambda) => poisson(lambda, next, normal),
  };
}

function poisson(lambda: number, next: () => number, normal: (mean?: number, sd?: number) => number): number {
  if (!(lambda > 0)) return 0;
  if (lambda >= POISSON_EXACT_BELOW) return Math.max(0, Math.round(normal(lambda, Math.sqrt(lambda))));
  // Knuth: multiply uniforms until the product drops below e^-λ.
  const limit = Math.exp(-lambda);
  let count = 0;
  let product = next();
  while (product > limit) {
    count += 1;
    product *= next();
  }
  return count;
}

/** Standard normal from two uniforms; 1 − u keeps the logarithm finite. */
function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** 32-bit avalanche mix (murmur3 finaliser). */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stable 32-bit key for a name (FNV-1a), so per-device streams do not depend on device order. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform in [0, 1), a pure function of the seed and integer keys. */
export function hashUniform(seed: number, ...keys: number[]): number {
  let h = mix32(seed >>> 0);
  for (const key of keys) {
    // Keys may exceed 32 bits (knot indices of epoch-ms clocks): fold both halves in.
    h = mix32(h ^ (key >>> 0));
    h = mix32(h ^ (Math.floor(key / UINT32) >>> 0));
  }
  return h / UINT32;
}

/** Standard normal, a pure function of the seed and integer keys. */
export function hashNormal(seed: number, ...keys: number[]): number {
  return boxMuller(hashUniform(seed, ...keys, 1), hashUniform(seed, ...keys, 2));
}

/**
 * Smooth noise in time: standard normals at knots every periodMs, interpolated with a cosine ease so
 * the series has no corners. The same (seed, key, tMs) always gives the same value.
 */
export function smoothNoise(seed: number, key: number, tMs: number, periodMs: number): number {
  const position = tMs / periodMs;
  const knot = Math.floor(position);
  const weight = (1 - Math.cos(Math.PI * (position - knot))) / 2;
  const a = hashNormal(seed, key, knot);
  const b = hashNormal(seed, key, knot + 1);
  return a + (b - a) * weight;
}
