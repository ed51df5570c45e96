// Every route × every role × no credentials, with the exact status each gets (OWASP API1, API5). The
// route list comes from the app itself, so a new route fails here until it has a row below, and the
// rows must match the permission table in docs/security.md.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../api/auth/permissions.ts';
import { CALLERS, startSecurityFixture, type Caller, type SecurityFixture } from './security-fixture.ts';

type Allowed = 'public' | readonly Role[];
interface RouteRequest {
  readonly url: string;
  readonly payload?: Record<string, unknown>;
}
interface RouteCase {
  readonly allowed: Allowed;
  /** A well-formed request; ack and shelve need one open alarm per role that may act. */
  readonly request: (caller: Caller, f: SecurityFixture) => RouteRequest;
  /** What an allowed caller gets. */
  readonly ok: number;
  /** Unknown query parameters get a 400 (false where the route is not ours to validate). */
  readonly strictQuery?: false;
  /** Registered by another part of the app (the live page): checked when present. */
  readonly optional?: true;
}

const ANY_KEY: readonly Role[] = ['pr', 'viewer', 'operator', 'admin'];
const READERS: readonly Role[] = ['viewer', 'operator', 'admin'];
const OPERATORS: readonly Role[] = ['operator', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
const at = (url: string) => () => ({ url });
const alarm = (f: SecurityFixture, which: number) => encodeURIComponent(f.alarmIds[which]!);
const ownAlarm = (caller: Caller, first: number) => (caller === 'admin' ? first + 1 : first);

const EXPECTED: Readonly<Record<string, RouteCase>> = {
  'GET /health': { allowed: 'public', ok: 200, request: at('/health') },
  'GET /ready': { allowed: 'public', ok: 200, request: at('/ready') },
  'GET /openapi.json': { allowed: 'public', ok: 200, request: at('/openapi.json'), strictQuery: false },
  'GET /metrics': { allowed: READERS, ok: 200, request: at('/metrics') },
  'GET /api/auth/me': { allowed: ANY_KEY, ok: 200, request: at('/api/auth/me') },
  'GET /api/site': { allowed: READERS, ok: 200, request: at('/api/site') },
  'GET /api/readings/latest': { allowed: READERS, ok: 200, request: at('/api/readings/latest') },
  'GET /api/meters/:meterId/readings': { allowed: READERS, ok: 200, request: at('/api/meters/inf-z1/readings') },
  'GET /api/rooms/:roomId/readings': { allowed: READERS, ok: 200, request: at('/api/rooms/mask-line/readings') },
  'GET /api/dead-letters': { allowed: ADMIN, ok: 200, request: at('/api/dead-letters') },
  'GET /api/water/kpis': { allowed: READERS, ok: 200, request: at('/api/water/kpis?window=1h') },
  'GET /api/water/series': { allowed: READERS, ok: 200, request: at('/api/water/series?kpi=recyclingRate') },
  'GET /api/water/meter-resets': { allowed: READERS, ok: 200, request: at('/api/water/meter-resets') },
  'GET /api/water/totals': { allowed: ANY_KEY, ok: 200, request: at('/api/water/totals?period=day') },
  'GET /api/water/tonnage': { allowed: ANY_KEY, ok: 200, request: at('/api/water/tonnage') },
  'GET /api/water/milestones': { allowed: ANY_KEY, ok: 200, request: at('/api/water/milestones') },
  'POST /api/water/meters/:meterId/replacements': {
    allowed: ADMIN,
    ok: 201,
    request: () => ({ url: '/api/water/meters/inf-z1/replacements', payload: { at: '2026-01-01T00:00:00Z', oldFinalM3: 10, newInitialM3: 0, comment: 'meter swapped' } }),
  },
  'GET /api/cleanroom/rooms': { allowed: READERS, ok: 200, request: at('/api/cleanroom/rooms') },
  'GET /api/cleanroom/rooms/:roomId/samples': { allowed: READERS, ok: 200, request: at('/api/cleanroom/rooms/mask-line/samples') },
  'GET /api/ops/alarms': { allowed: READERS, ok: 200, request: at('/api/ops/alarms') },
  'GET /api/cleanroom/alarms': { allowed: READERS, ok: 200, request: at('/api/cleanroom/alarms') },
  'GET /api/cleanroom/alarms/:id': { allowed: READERS, ok: 200, request: (_c, f) => ({ url: `/api/cleanroom/alarms/${alarm(f, 0)}` }) },
  'POST /api/cleanroom/alarms/:id/ack': {
    allowed: OPERATORS,
    ok: 200,
    request: (caller, f) => ({ url: `/api/cleanroom/alarms/${alarm(f, ownAlarm(caller, 0))}/ack`, payload: { comment: 'door held open' } }),
  },
  'POST /api/cleanroom/alarms/:id/shelve': {
    allowed: OPERATORS,
    ok: 200,
    request: (caller, f) => ({ url: `/api/cleanroom/alarms/${alarm(f, ownAlarm(caller, 2))}/shelve`, payload: { comment: 'counter serviced', durationMinutes: 30 } }),
  },
  // A plain GET is not an upgrade: the websocket plugin answers 404 once the caller is let through
  // (the upgrade itself is covered by ws-auth.test.ts).
  'GET /ws': { allowed: ANY_KEY, ok: 404, request: at('/ws'), strictQuery: false },
  'GET /': { allowed: 'public', ok: 200, request: at('/'), strictQuery: false, optional: true },
  'GET /ui/*': { allowed: 'public', ok: 404, request: at('/ui/no-such-asset.js'), strictQuery: false, optional: true },
};

function expectedStatus(entry: RouteCase, caller: Caller): number {
  if (entry.allowed === 'public') return entry.ok;
  if (caller === 'anonymous') return 401;
  return entry.allowed.includes(caller) ? entry.ok : 403;
}

describe('route × role matrix', () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const registered = () => f.app.routePermissions().map((r) => ({ ...r, key: `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}` }));

  it('has a row for every route the app registers, and every required row is a route', () => {
    const routes = new Set(registered().map((r) => r.key));
    expect([...routes].filter((route) => !(route in EXPECTED)), 'routes without a row in EXPECTED').toEqual([]);
    expect(Object.keys(EXPECTED).filter((route) => !EXPECTED[route]!.optional && !routes.has(route)), 'rows without a route').toEqual([]);
  });

  it('answers every route × caller with the exact status', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const { method, url, key } of registered()) {
      const entry = EXPECTED[key]!;
      for (const caller of CALLERS) {
        const { url: path, payload } = entry.request(caller, f);
        const response = await f.app.inject({ method: method === 'HEAD' ? 'HEAD' : method === 'POST' ? 'POST' : 'GET', url: path, headers: f.headers[caller], ...(payload ? { payload } : {}) });
        got.push(`${method} ${url} ${caller} → ${response.statusCode}`);
        want.push(`${method} ${url} ${caller} → ${expectedStatus(entry, caller)}`);
      }
    }
    expect(got).toEqual(want);
  });

  it('refuses unknown query parameters on every route that validates its query', async () => {
    for (const { method, url, key } of registered()) {
      const entry = EXPECTED[key]!;
      if (entry.strictQuery === false || method !== 'GET') continue;
      const { url: path } = entry.request('admin', f);
      const response = await f.app.inject({ method: 'GET', url: `${path}${path.includes('?') ? '&' : '?'}unexpected=1`, headers: f.headers.admin });
      expect(`${url} ${response.statusCode} ${response.json().error.code}`).toBe(`${url} 400 VALIDATION_FAILED`);
    }
  });

  it('matches the permission table in docs/security.md', () => {
    const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `(GET|POST|HEAD) ([^`]+)` \| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => [`${m[1]} ${m[2]}`, m[4]!.trim()]));
    const documented = (allowed: Allowed) => (allowed === 'public' ? 'anyone, no key' : ROLES.filter((r) => allowed.includes(r)).join(', '));
    for (const [route, entry] of Object.entries(EXPECTED)) expect(`${route}: ${rows.get(route)}`).toBe(`${route}: ${documented(entry.allowed)}`);
  });
});
