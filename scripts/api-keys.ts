// API keys of the HTTP API and websocket, in DATA_DIR/auth.sqlite (hashes only). Safe to run while
// the API runs: a new key works and a revoked one is refused from the next request on.
//   npm run api-keys -- create --role operator --name "control room"
//   npm run api-keys -- list
//   npm run api-keys -- revoke <id>
import { openSqliteApiKeyStore } from '../api/auth/sqlite-api-key-store.ts';
import { loadConfig } from '../core/config/app-config.ts';
import { runApiKeysCommand } from './api-keys/api-keys-command.ts';

try {
  const config = loadConfig();
  const keys = openSqliteApiKeyStore(config.security.keysFile);
  try {
    runApiKeysCommand(process.argv.slice(2), { keys, nowMs: Date.now(), write: (text) => process.stdout.write(text) });
    if (config.security.auth === 'off') process.stderr.write('note: AUTH=off is set, so the API does not ask for these keys at the moment\n');
  } finally {
    keys.close();
  }
} catch (error) {
  process.stderr.write(`api-keys: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
