// Dead-letter command: list what ingest refused, or replay it once the cause is fixed (a meter added
// to the site configuration, say). A replay republishes the raw payload to its original topic, so it
// goes through validation again; a letter that fails again comes back as a new dead letter.
//   npm run dead-letters -- list [--reason unknown_meter] [--limit 50]
//   npm run dead-letters -- replay [--reason unknown_meter] [--id <id>]
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { readPemFile } from '../core/adapters/mqtt/pem-file.ts';
import { openStore } from '../core/adapters/open-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '../core/domain/dead-letter.ts';
import { replayDeadLetters } from '../ingest/dead-letter-replay.ts';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { reason: { type: 'string' }, id: { type: 'string' }, limit: { type: 'string', default: '50' } },
  });
  const command = positionals[0];
  const reason = values.reason as DeadLetterReason | undefined;
  if (command !== 'list' && command !== 'replay') throw new Error('say "list" or "replay", e.g. npm run dead-letters -- replay --reason unknown_meter');
  if (reason && !DEAD_LETTER_REASONS.includes(reason)) throw new Error(`--reason must be one of ${DEAD_LETTER_REASONS.join(', ')}`);

  const config = loadConfig();
  const store = await openStore(config.store);
  try {
    if (command === 'list') {
      for (const letter of await store.listDeadLetters({ reason, limit: Number(values.limit) })) {
        process.stdout.write(`${letter.id}  ${new Date(letter.receivedAtMs).toISOString()}  ${letter.reason}  ${letter.topic}  ${letter.detail}\n`);
      }
      return;
    }
    const { username, password, caFile } = config.mqtt;
    const ca = caFile ? { ca: readPemFile(caFile, 'MQTT CA certificate') } : {};
    const client = await mqtt.connectAsync(config.mqtt.url, { clientId: `k14-dead-letter-replay-${process.pid}`, username, password, ...ca });
    try {
      const outcome = await replayDeadLetters({ client, store, reason, id: values.id });
      process.stdout.write(`replayed ${outcome.replayed} dead letter(s); ${outcome.skippedTruncated} truncated one(s) cannot be replayed and stay pending\n`);
    } finally {
      await client.endAsync();
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dead-letters: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
