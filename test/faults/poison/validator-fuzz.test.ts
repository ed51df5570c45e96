// The fuzzer's cases straight into validateDeviceMessage, one by one: every case must come out as
// the message contract says (readings accepted, parts refused with their reasons), never a throw.
import { describe, expect, it } from 'vitest';
import { meterPayloadSchema, particlePayloadSchema, quickMeterPayload, quickParticlePayload } from '../../../core/domain/messages/device-payloads.ts';
import { validateDeviceMessage, type ValidationLimits } from '../../../core/domain/messages/validate-message.ts';
import { indexSite } from '../../../core/domain/site/site-schema.ts';
import { aSiteWithMeters } from '../../fixtures/site.ts';
import { describeCase, outcomeMismatch } from './case-check.ts';
import { FUZZ_PROFILE } from './fuzz-profile.ts';
import { createPayloadFuzzer, fuzzDevicesOf } from './payload-fuzzer.ts';
import { namedPoisonCases } from './poison-cases.ts';

const LIMITS: ValidationLimits = { maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 5 * 60_000 };

describe('validator under the schema-aware fuzzer', () => {
  it('gives each named poison message its outcome: malformed JSON, wrong types, NaN/Infinity, size limit, deep nesting, invalid UTF-8', () => {
    const site = aSiteWithMeters(6);
    const index = indexSite(site);
    const cases = namedPoisonCases(fuzzDevicesOf(site), LIMITS.maxPayloadBytes, Date.UTC(2025, 0, 1));
    const problems = cases.flatMap((c) => {
      const problem = outcomeMismatch(c, validateDeviceMessage(c.topic, c.payload, { ...LIMITS, site: index, receivedAtMs: Date.now() }));
      return problem === undefined ? [] : [`${c.labels[0]}: ${problem}`];
    });
    expect(problems).toEqual([]);
  });

  it(`gives every one of ${FUZZ_PROFILE.validatorCases.toLocaleString('en')} fuzzed messages the outcome the contract requires`, () => {
    const site = aSiteWithMeters(6);
    const index = indexSite(site);
    const next = createPayloadFuzzer({ seed: FUZZ_PROFILE.seed, devices: fuzzDevicesOf(site), limits: LIMITS, clock: Date.now, startMs: Date.UTC(2025, 0, 1) });
    const failures: string[] = [];
    const reasons = new Map<string, number>();
    let readings = 0;
    for (let i = 0; i < FUZZ_PROFILE.validatorCases; i++) {
      const c = next();
      let problem: string | undefined;
      try {
        const result = validateDeviceMessage(c.topic, c.payload, { ...LIMITS, site: index, receivedAtMs: Date.now() });
        problem = outcomeMismatch(c, result);
        readings += result.readings.length;
        for (const part of result.refused) reasons.set(part.reason, (reasons.get(part.reason) ?? 0) + 1);
      } catch (error) {
        problem = `threw ${(error as Error).name}: ${(error as Error).message}`;
      }
      if (problem !== undefined) failures.push(`${problem}\n    ${describeCase(c)}`);
    }
    const table = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `  ${reason.padEnd(18)} ${n}`);
    console.info(`validator fuzz (seed ${FUZZ_PROFILE.seed}): ${FUZZ_PROFILE.validatorCases} messages, ${readings} readings accepted, refused parts by reason:\n${table.join('\n')}`);
    if (failures.length) console.error(`${failures.length} mismatches; first 15:\n${failures.slice(0, 15).join('\n')}`);
    expect(failures).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('has the quick payload checks accept only what the schemas accept, with the same output', () => {
    const site = aSiteWithMeters(6);
    const next = createPayloadFuzzer({ seed: FUZZ_PROFILE.seed, devices: fuzzDevicesOf(site), limits: LIMITS, clock: Date.now, startMs: Date.UTC(2025, 0, 1) });
    const disagreements: string[] = [];
    let quickAccepted = 0;
    let schemaAccepted = 0;
    for (let i = 0; i < FUZZ_PROFILE.validatorCases; i++) {
      const c = next();
      const [quick, schema] = c.topic.startsWith('k14/') ? [quickMeterPayload, meterPayloadSchema] : [quickParticlePayload, particlePayloadSchema];
      for (const body of jsonBodies(c.payload)) {
        const fast = quick(body);
        const parsed = schema.safeParse(body);
        if (parsed.success) schemaAccepted++;
        if (fast === undefined) continue;
        quickAccepted++;
        if (!parsed.success || JSON.stringify(fast) !== JSON.stringify(parsed.data)) disagreements.push(`quick ${JSON.stringify(fast)} vs schema ${JSON.stringify(parsed)}\n    ${describeCase(c)}`);
      }
    }
    console.info(`quick payload checks: ${quickAccepted} of the ${schemaAccepted} objects the schemas accept, without the schemas`);
    expect(disagreements.slice(0, 10)).toEqual([]);
    // Most fuzzed objects that pass are the common shape: a quick check that gave up on all would also "agree".
    expect(quickAccepted).toBeGreaterThan(schemaAccepted / 2);
  });
});

/** The payload's JSON value, or each element of an array (a backlog); nothing when it is not JSON. */
function jsonBodies(payload: Buffer): unknown[] {
  try {
    const body: unknown = JSON.parse(payload.toString('utf8'));
    return Array.isArray(body) ? body : [body];
  } catch {
    return [];
  }
}
