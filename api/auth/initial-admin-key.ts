// The embedded default is closed: on the first start (no key ever created) an admin key is made and
// shown once, so whoever started the system can get in and nothing is open by accident.
import type { ApiKeyStore } from './sqlite-api-key-store.ts';

export const INITIAL_ADMIN_KEY_NAME = 'initial admin';

/** Creates the first admin key when none was ever created; revoking every key does not bring it back. */
export function ensureInitialAdminKey(keys: ApiKeyStore, nowMs: number): { key: string; id: string } | undefined {
  if (!keys.isEmpty()) return undefined;
  const { key, record } = keys.create({ name: INITIAL_ADMIN_KEY_NAME, role: 'admin' }, nowMs);
  return { key, id: record.id };
}

/** What start-up prints on stdout, once: the key is not stored anywhere it could be read back. */
export function initialAdminKeyNotice(key: string, id: string): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    '  FIRST START: an admin API key was created. It is shown only this once; keep it somewhere safe.',
    '',
    `    ${key}`,
    '',
    `  key id ${id}, name "${INITIAL_ADMIN_KEY_NAME}". Send it as  Authorization: Bearer <key>`,
    '  Make keys per person or screen, then revoke this one:',
    '    npm run api-keys -- create --role operator --name "control room"',
    `    npm run api-keys -- revoke ${id}`,
    rule,
    '',
  ].join('\n');
}

export function authOffNotice(address: string): string {
  return [
    '',
    `  !! AUTH=off: no API key is asked for. Anyone who can reach ${address} has admin rights:`,
    '  !! acknowledging and shelving alarms, recording meter replacements. For local demos only.',
    '',
  ].join('\n');
}
