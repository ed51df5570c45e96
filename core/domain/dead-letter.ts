// A message ingest could not accept, kept with its reason and raw payload so it can be inspected
// and replayed once the cause is fixed.

export const DEAD_LETTER_REASONS = [
  'unknown_topic',
  'payload_too_large',
  'invalid_utf8',
  'invalid_json',
  'schema_violation',
  'unknown_meter',
  'unknown_room',
  'unknown_counter',
  'future_timestamp',
  'store_rejected',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export const DEAD_LETTER_STATUSES = ['pending', 'replayed'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export interface DeadLetter {
  /** Unique, sortable: receive time in ns as a decimal string (ms × 10⁶ + a per-ms counter). */
  readonly id: string;
  readonly receivedAtMs: number;
  readonly topic: string;
  readonly reason: DeadLetterReason;
  /** Human-readable detail: which field, what the server said. */
  readonly detail: string;
  /** Raw payload, truncated; base64 when it was not valid UTF-8. */
  readonly payload: string;
  readonly payloadEncoding: 'utf8' | 'base64';
  readonly payloadBytes: number;
  readonly truncated: boolean;
  readonly status: DeadLetterStatus;
}

export const DEAD_LETTER_PAYLOAD_LIMIT_BYTES = 4096;

/** Builds the payload fields of a dead letter: UTF-8 text when it decodes, base64 otherwise. */
export function captureRawPayload(raw: Uint8Array): Pick<DeadLetter, 'payload' | 'payloadEncoding' | 'payloadBytes' | 'truncated'> {
  const truncated = raw.byteLength > DEAD_LETTER_PAYLOAD_LIMIT_BYTES;
  const kept = truncated ? raw.subarray(0, DEAD_LETTER_PAYLOAD_LIMIT_BYTES) : raw;
  const text = decodeUtf8(kept, truncated);
  return text === undefined
    ? { payload: Buffer.from(kept).toString('base64'), payloadEncoding: 'base64', payloadBytes: raw.byteLength, truncated }
    : { payload: text, payloadEncoding: 'utf8', payloadBytes: raw.byteLength, truncated };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array, mayEndMidCharacter: boolean): string | undefined {
  try {
    return strictUtf8.decode(bytes, { stream: mayEndMidCharacter });
  } catch {
    return undefined;
  }
}

/** Raw bytes of a dead letter's payload, for replay. */
export function rawPayloadOf(letter: Pick<DeadLetter, 'payload' | 'payloadEncoding'>): Buffer {
  return Buffer.from(letter.payload, letter.payloadEncoding);
}

/** Unique dead-letter ids: receive time in ns, with a counter for letters in the same millisecond. */
export function deadLetterIdSource(): (receivedAtMs: number) => string {
  let lastMs = -1;
  let sameMs = 0;
  return (receivedAtMs) => {
    const ms = Math.max(receivedAtMs, lastMs);
    sameMs = ms === lastMs ? sameMs + 1 : 0;
    lastMs = ms;
    return (BigInt(ms) * 1_000_000n + BigInt(sameMs)).toString();
  };
}
