// The TelemetryStore contract: one behavioural suite every adapter (SQLite, InfluxDB) runs unchanged.
// It asserts only what core/ports/telemetry-store.ts promises, never how an adapter stores things.
import { afterEach, beforeEach, describe } from 'vitest';
import type { TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { describeDeadLetterContract } from './store-contract-dead-letters.ts';
import { describeQueryContract } from './store-contract-queries.ts';
import { describeReadingContract } from './store-contract-readings.ts';
import { describeRollupContract } from './store-contract-rollups.ts';

export interface MadeStore {
  readonly store: TelemetryStore;
  /** Removes whatever makeStore created (temp file, database); called after store.close(). */
  readonly cleanup: () => Promise<void>;
}

/** Hands the current test's store to the contract parts, which are declared before any test runs. */
export type CurrentStore = () => TelemetryStore;

/**
 * Declares the contract suite. makeStore must return a store over an empty database, not yet
 * started: each test starts its own store and closes it, so tests never see each other's data.
 */
export function describeTelemetryStoreContract(name: string, makeStore: () => Promise<MadeStore>): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let made: MadeStore | undefined;

    beforeEach(async () => {
      made = await makeStore();
      await made.store.start();
    });

    afterEach(async () => {
      const finished = made;
      made = undefined;
      if (finished === undefined) return;
      try {
        await finished.store.close();
      } finally {
        await finished.cleanup();
      }
    });

    const currentStore: CurrentStore = () => {
      if (made === undefined) throw new Error('no store: makeStore or start() failed in beforeEach');
      return made.store;
    };

    describeReadingContract(currentStore);
    describeQueryContract(currentStore);
    describeDeadLetterContract(currentStore);
    describeRollupContract(currentStore);
  });
}
