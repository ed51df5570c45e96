// Scenario sizes: the short profile runs in the test command (a few minutes in all); the long one
// (npm run test:faults -- --long) scales durations and counts up, never down.

export type ProfileName = 'short' | 'long';

export interface Profile {
  readonly name: ProfileName;
  readonly sigkill: { readonly devices: number; readonly messagesPerDevice: number; readonly ratePerSecond: number };
  readonly sigterm: { readonly devices: number; readonly ratePerSecond: number; readonly loadSeconds: number; readonly termAfterSeconds: number };
  readonly outage: { readonly devices: number; readonly ratePerSecond: number; readonly outageSeconds: number; readonly leadSeconds: number; readonly tailSeconds: number; readonly memoryCapMiB: number };
  readonly network: { readonly devices: number; readonly ratePerSecond: number; readonly loadSeconds: number; readonly resetEveryMs: number; readonly stallMs: number };
  readonly broker: { readonly devices: number; readonly ratePerSecond: number; readonly loadSeconds: number; readonly restarts: number };
  readonly journalFull: { readonly devices: number; readonly ratePerSecond: number; readonly loadSeconds: number; readonly journalMaxBytes: number };
  readonly duplicates: { readonly devices: number; readonly messagesPerDevice: number; readonly replays: number };
}

export const SHORT: Profile = {
  name: 'short',
  sigkill: { devices: 100, messagesPerDevice: 1_000, ratePerSecond: 2_500 },
  sigterm: { devices: 100, ratePerSecond: 2_000, loadSeconds: 20, termAfterSeconds: 10 },
  outage: { devices: 100, ratePerSecond: 1_000, outageSeconds: 120, leadSeconds: 10, tailSeconds: 10, memoryCapMiB: 256 },
  network: { devices: 50, ratePerSecond: 500, loadSeconds: 40, resetEveryMs: 4_000, stallMs: 8_000 },
  broker: { devices: 50, ratePerSecond: 500, loadSeconds: 30, restarts: 1 },
  journalFull: { devices: 50, ratePerSecond: 1_000, loadSeconds: 25, journalMaxBytes: 2 * 1024 * 1024 },
  duplicates: { devices: 100, messagesPerDevice: 100, replays: 3 },
};

export const LONG: Profile = {
  name: 'long',
  sigkill: { devices: 100, messagesPerDevice: 10_000, ratePerSecond: 2_000 },
  sigterm: { devices: 100, ratePerSecond: 2_000, loadSeconds: 180, termAfterSeconds: 120 },
  outage: { devices: 100, ratePerSecond: 1_000, outageSeconds: 600, leadSeconds: 30, tailSeconds: 60, memoryCapMiB: 256 },
  network: { devices: 100, ratePerSecond: 1_000, loadSeconds: 300, resetEveryMs: 5_000, stallMs: 20_000 },
  broker: { devices: 100, ratePerSecond: 1_000, loadSeconds: 240, restarts: 4 },
  journalFull: { devices: 100, ratePerSecond: 1_000, loadSeconds: 180, journalMaxBytes: 2 * 1024 * 1024 },
  duplicates: { devices: 100, messagesPerDevice: 1_000, replays: 3 },
};
