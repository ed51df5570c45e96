// Replays pending dead letters: each raw payload is republished to its original topic, so it goes
// through validation again (a letter that fails again comes back as a new dead letter), and the old
// letter is marked replayed. Truncated payloads cannot be replayed and stay pending.
import type { MqttClient } from 'mqtt';
import { rawPayloadOf, type DeadLetter, type DeadLetterReason } from '../core/domain/dead-letter.ts';
import type { TelemetryStore } from '../core/ports/telemetry-store.ts';

const PAGE = 500;

export interface ReplayOutcome {
  readonly replayed: number;
  readonly skippedTruncated: number;
}

export async function replayDeadLetters(options: { client: MqttClient; store: TelemetryStore; reason?: DeadLetterReason; id?: string }): Promise<ReplayOutcome> {
  const { client, store } = options;
  const letters = (await pendingLetters(store, options.reason)).filter((l) => !options.id || l.id === options.id);
  let replayed = 0;
  let skippedTruncated = 0;
  for (const letter of letters) {
    if (letter.truncated) {
      skippedTruncated++;
      continue;
    }
    await client.publishAsync(letter.topic, rawPayloadOf(letter), { qos: 1 });
    await store.writeDeadLetters([{ ...letter, status: 'replayed' }]);
    replayed++;
  }
  return { replayed, skippedTruncated };
}

/** Every pending letter, oldest first (the order they arrived in). */
async function pendingLetters(store: TelemetryStore, reason: DeadLetterReason | undefined): Promise<DeadLetter[]> {
  const all: DeadLetter[] = [];
  for (let beforeId: string | undefined; ; ) {
    const page = await store.listDeadLetters({ status: 'pending', reason, limit: PAGE, beforeId });
    all.push(...page);
    if (page.length < PAGE) return all.reverse();
    beforeId = page.at(-1)!.id;
  }
}
