// An API built as in production (auth on, default limits) over in-memory stores, one key per role,
// and four open action alarms (one per counter and channel) so each role can act on its own.
import { buildApi, type ApiOptions } from '../../../api/build-api.ts';
import type { Api } from '../../../api/api-type.ts';
import { ROLES, type Role } from '../../../api/auth/permissions.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import type { ParticleSample } from '../../../core/domain/readings.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { apiDepsFor, type TestApiDeps } from '../../fixtures/api-deps.ts';
import { k14Site } from '../../fixtures/site.ts';

export type Caller = 'anonymous' | Role;
export const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

export interface SecurityFixture {
  readonly app: Api;
  readonly deps: TestApiDeps;
  /** Authorization headers per caller; anonymous sends none. */
  readonly headers: Readonly<Record<Caller, Record<string, string>>>;
  readonly keyIds: Readonly<Record<Role, string>>;
  /** Ids of four open alarms, raised in this order: pms-01 0.5 µm, pms-01 5.0 µm, pms-02, pms-03. */
  readonly alarmIds: readonly string[];
  close(): Promise<void>;
}

const VOLUME_L = 28.3;

export async function startSecurityFixture(options: ApiOptions = {}): Promise<SecurityFixture> {
  const store: TelemetryStore = openSqliteStore({ file: ':memory:' });
  await store.start();
  const deps = await apiDepsFor(store, k14Site());
  const app = await buildApi(options, deps);
  await app.ready();
  const headers: Record<Caller, Record<string, string>> = { anonymous: {}, pr: {}, viewer: {}, operator: {}, admin: {} };
  const keyIds: Record<Role, string> = { pr: '', viewer: '', operator: '', admin: '' };
  for (const role of ROLES) {
    const { key, record } = deps.apiKeys.create({ role, name: `matrix ${role}` }, Date.now());
    headers[role] = { authorization: `Bearer ${key}` };
    keyIds[role] = record.id;
  }
  const now = Date.now();
  // Over the ISO 8 action level at once: 3.52 M/m³ at 0.5 µm, 29,300/m³ at 5.0 µm.
  const samples: ParticleSample[] = [
    { kind: 'particle', roomId: 'mask-line', counterId: 'pms-01', tsMs: now, volumeLitres: VOLUME_L, counts: { '0.5': 110_000, '5.0': 1_000 } },
    { kind: 'particle', roomId: 'mask-line', counterId: 'pms-02', tsMs: now, volumeLitres: VOLUME_L, counts: { '0.5': 110_000 } },
    { kind: 'particle', roomId: 'mask-line', counterId: 'pms-03', tsMs: now, volumeLitres: VOLUME_L, counts: { '0.5': 110_000 } },
  ];
  await deps.alarms.applySamples(samples);
  const alarms = await deps.alarmStore.listAlarms({ state: 'active', limit: 10 });
  const order = (id: string) => ['pms-01', 'pms-02', 'pms-03'].findIndex((c) => id.includes(c)) * 2 + (id.includes('5.0') ? 1 : 0);
  const alarmIds = alarms.map((a) => a.id).sort((a, b) => order(a) - order(b));
  if (alarmIds.length !== 4) throw new Error(`expected four open alarms, got ${alarmIds.join(', ')}`);
  return {
    app,
    deps,
    headers,
    keyIds,
    alarmIds,
    close: async () => {
      await app.close();
      await deps.alarms.stop();
      await deps.alarmStore.close();
      deps.apiKeys.close();
      await store.close();
    },
  };
}
