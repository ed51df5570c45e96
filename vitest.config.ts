// Tests: unit (pure domain), contract (every store adapter), integration (real brokers and databases).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    outputFile: { junit: 'test-output/junit.xml' },
  },
});
