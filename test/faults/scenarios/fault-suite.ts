// Declares one fault scenario as a vitest test: its own services, the load lock for heavy ones, the
// report printed, every pass condition asserted (plus any scenario-specific expectations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultEnv, type FaultEnv, type FaultEnvOptions } from '../harness/fault-env.ts';
import { acquireLoadLock } from '../harness/load-lock.ts';
import { SHORT, type Profile } from './profile.ts';
import { failedChecks, formatReport, type ScenarioReport } from './report.ts';

export interface FaultTestOptions {
  readonly title: string;
  readonly env: FaultEnvOptions;
  readonly scenario: (env: FaultEnv, profile: Profile) => Promise<ScenarioReport>;
  /** Takes the load lock: runs alone among the heavy scenarios. */
  readonly heavy: boolean;
  readonly timeoutMs: number;
  readonly expectations?: (report: ScenarioReport) => void;
}

export function faultTest(options: FaultTestOptions): void {
  describe(`fault: ${options.title}`, () => {
    let env: FaultEnv | undefined;
    let release: () => void = () => {};
    beforeAll(async () => {
      if (options.heavy) release = await acquireLoadLock();
      env = await startFaultEnv(options.env);
    }, 15 * 60_000);
    afterAll(async () => {
      await env?.stop();
      release();
    });

    it('meets every pass condition', async () => {
      const report = await options.scenario(env!, SHORT).catch((error: unknown) => {
        // A scenario that throws (an API 500, say) leaves no report: the processes' own logs say why.
        console.error(`processes' output:\n${env!.serviceOutput()}`);
        throw error;
      });
      console.info(formatReport(report));
      expect(failedChecks(report)).toEqual([]);
      options.expectations?.(report);
    }, options.timeoutMs);
  });
}
