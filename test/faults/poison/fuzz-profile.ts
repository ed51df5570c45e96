// Sizes of the poison runs: the short profile by default, the long one with POISON_PROFILE=long
// (vitest's workers do not see CLI flags, so the switch is an environment variable). POISON_SEED replays one run.
const LONG = process.env.POISON_PROFILE === 'long';

export const FUZZ_PROFILE = {
  name: LONG ? 'long' : 'short',
  /** Fuzzed messages sent through the broker and ingest. */
  ingestCases: Number(process.env.POISON_FUZZ_CASES ?? (LONG ? 1_000_000 : 100_000)),
  /** Fuzzed messages checked one by one against the validator, with no broker in between. */
  validatorCases: Number(process.env.POISON_VALIDATOR_CASES ?? (LONG ? 1_000_000 : 50_000)),
  seed: Number(process.env.POISON_SEED ?? 14_014),
  /** vitest's per-test limit: the long run sends ten times as much. */
  testTimeoutMs: LONG ? 1_800_000 : 180_000,
} as const;
