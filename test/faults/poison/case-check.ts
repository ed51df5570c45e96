// Compares what the validator made of a fuzz case with what the case says the contract requires.
import { deviceKey } from '../../../core/domain/readings.ts';
import type { ValidationResult } from '../../../core/domain/messages/validate-message.ts';
import type { FuzzCase } from './payload-fuzzer.ts';

/** Undefined when the result is what the case expects; else what differs. */
export function outcomeMismatch(c: FuzzCase, result: ValidationResult): string | undefined {
  const reasons = result.refused.map((p) => p.reason);
  if (reasons.join() !== c.refused.join()) return `refused [${reasons.join()}], expected [${c.refused.join()}]${firstObjectMismatch(c, result)}`;
  if (result.readings.length !== c.readings.length) return `${result.readings.length} readings, expected ${c.readings.length}`;
  for (const [i, want] of c.readings.entries()) {
    const got = result.readings[i]!;
    if (deviceKey(got) !== want.deviceKey) return `reading ${i} is from ${deviceKey(got)}, expected ${want.deviceKey}`;
    if (want.tsMs !== undefined && got.tsMs !== want.tsMs) return `reading ${i} has tsMs ${got.tsMs}, expected ${want.tsMs}`;
    if (!Number.isSafeInteger(got.tsMs)) return `reading ${i} has tsMs ${got.tsMs}`;
  }
  const blank = result.refused.find((p) => p.detail.trim() === '');
  return blank ? `refused part ${blank.reason} has no detail` : undefined;
}

export function describeCase(c: FuzzCase): string {
  const head = c.payload.subarray(0, 400).toString('utf8').replace(/\s+/g, ' ');
  return `#${c.index} ${c.topic} (${c.payload.byteLength} B) [${c.labels.join('; ')}] ${head}`;
}

/** For a backlog array: the first object whose verdict differs, with the validator's detail. */
function firstObjectMismatch(c: FuzzCase, result: ValidationResult): string {
  if (c.perObject === undefined) return `: ${result.refused.map((p) => p.detail.slice(0, 200)).join(' | ')}`;
  const actual = c.perObject.map(() => 'ok');
  const details = c.perObject.map(() => '');
  for (const part of result.refused) {
    const i = c.perObject.length === 1 && !/^element \d+:/.test(part.detail) ? 0 : Number(/^element (\d+):/.exec(part.detail)?.[1] ?? -1);
    if (i >= 0 && i < actual.length) {
      actual[i] = part.reason;
      details[i] = part.detail.slice(0, 200);
    }
  }
  const i = actual.findIndex((a, k) => a !== c.perObject![k]);
  return i < 0 ? '' : `; object ${i}: ${actual[i]} (${details[i]}), expected ${c.perObject[i]}`;
}
