// The api-keys command's logic, apart from process handling so tests can run it: create (the key is
// printed once), list (never keys, only ids, names, roles and use), revoke (immediate: the API looks
// every key up on each request).
import { parseArgs } from 'node:util';
import { ROLES } from '../../api/auth/permissions.ts';
import { newKeySchema, type ApiKeyStore } from '../../api/auth/sqlite-api-key-store.ts';

export const USAGE = [
  'npm run api-keys -- create --role <viewer|operator|pr|admin> --name "control room"',
  'npm run api-keys -- list',
  'npm run api-keys -- revoke <id>',
].join('\n');

export class UsageError extends Error {}

export interface CommandContext {
  readonly keys: ApiKeyStore;
  readonly nowMs: number;
  readonly write: (text: string) => void;
}

export function runApiKeysCommand(argv: readonly string[], { keys, nowMs, write }: CommandContext): void {
  const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' } } });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'create': {
      const parsed = newKeySchema.safeParse({ role: values.role, name: values.name });
      if (!parsed.success) throw new UsageError(`create needs --role (${ROLES.join(', ')}) and --name (1-100 printable characters)`);
      const { key, record } = keys.create(parsed.data, nowMs);
      write(`Created ${record.role} key ${record.id} "${record.name}". The key is shown only now:\n\n  ${key}\n\nSend it as  Authorization: Bearer <key>\n`);
      return;
    }
    case 'list': {
      const rows = keys.list();
      if (rows.length === 0) return write('no API keys yet: the API creates an admin key on its first start\n');
      write(`${['id', 'role', 'status', 'created', 'last used', 'name'].join('\t')}\n`);
      for (const r of rows) {
        const status = r.revokedAtMs === null ? 'active' : `revoked ${iso(r.revokedAtMs)}`;
        write(`${[r.id, r.role, status, iso(r.createdAtMs), r.lastUsedAtMs === null ? 'never' : iso(r.lastUsedAtMs), r.name].join('\t')}\n`);
      }
      return;
    }
    case 'revoke': {
      const id = rest[0];
      if (id === undefined || rest.length > 1) throw new UsageError('revoke needs one key id (see list)');
      if (!keys.revoke(id, nowMs)) throw new UsageError(`no active key with id ${id} (see list)`);
      write(`revoked key ${id}: it is refused from the next request on (open websockets keep streaming until they reconnect)\n`);
      return;
    }
    default:
      throw new UsageError(`say what to do:\n${USAGE}`);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
