// What every response and every caller gets besides the permission check: security headers, CORS
// closed unless allow-listed, rate limits per key and per IP, body limits, refused credentials, the
// actor taken from the key, no internals in errors, and routes that cannot register without a permission.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONTENT_SECURITY_POLICY } from '../../../api/auth/http-hardening.ts';
import { buildApi } from '../../../api/build-api.ts';
import { startSecurityFixture, type SecurityFixture } from './security-fixture.ts';

const fixtures: SecurityFixture[] = [];
async function fixture(...args: Parameters<typeof startSecurityFixture>): Promise<SecurityFixture> {
  const f = await startSecurityFixture(...args);
  fixtures.push(f);
  return f;
}
afterAll(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

describe('security headers and errors', () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await fixture();
  });

  it('sets the same headers on answers, refusals and unknown routes, and names no server', async () => {
    const answers = [
      await f.app.inject({ url: '/api/water/tonnage', headers: f.headers.pr }),
      await f.app.inject({ url: '/api/water/tonnage' }),
      await f.app.inject({ url: '/no-such-page' }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404]);
    for (const response of answers) {
      expect(response.headers).toMatchObject({
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers).not.toHaveProperty('server');
      expect(response.headers).not.toHaveProperty('x-powered-by');
    }
  });

  it('says why a credential is refused, with WWW-Authenticate (RFC 6750)', async () => {
    const unknownKey = `k14_${'A'.repeat(43)}`;
    const cases = [
      [{}, 'UNAUTHENTICATED', 'Bearer realm="k14"'],
      [{ authorization: `Bearer ${unknownKey}` }, 'INVALID_CREDENTIALS', 'Bearer realm="k14", error="invalid_token"'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'INVALID_CREDENTIALS', 'Bearer realm="k14", error="invalid_token"'],
      [{ authorization: 'Bearer not-a-key' }, 'INVALID_CREDENTIALS', 'Bearer realm="k14", error="invalid_token"'],
    ] as const;
    for (const [headers, code, challenge] of cases) {
      const response = await f.app.inject({ url: '/api/site', headers });
      expect([response.statusCode, response.json().error.code, response.headers['www-authenticate']]).toEqual([401, code, challenge]);
    }
  });

  it('refuses a revoked key from the next request on', async () => {
    const { key, record } = f.deps.apiKeys.create({ role: 'viewer', name: 'soon revoked' }, Date.now());
    expect((await f.app.inject({ url: '/api/site', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect(f.deps.apiKeys.revoke(record.id, Date.now())).toBe(true);
    expect((await f.app.inject({ url: '/api/site', headers: { authorization: `Bearer ${key}` } })).json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses oversized, malformed and mistyped bodies with a 4xx, and reads none without a key', async () => {
    const url = `/api/cleanroom/alarms/${encodeURIComponent(f.alarmIds[0]!)}/ack`;
    const post = (headers: Record<string, string>, payload: string, contentType = 'application/json') =>
      f.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': contentType }, payload });
    const huge = JSON.stringify({ comment: 'x'.repeat(70 * 1024) });
    const statuses = [
      await post(f.headers.operator, huge),
      await post(f.headers.operator, '{"comment": "door held open"'),
      // JSON only: no form or text parser, so a cross-site form can never be a command (with AUTH=off).
      await post(f.headers.operator, 'comment=x', 'application/x-www-form-urlencoded'),
      await post(f.headers.operator, '{"comment":"x"}', 'text/plain'),
      await post(f.headers.operator, JSON.stringify({ comment: 'x', by: 'someone else' })),
      await post(f.headers.operator, JSON.stringify({ comment: '' })),
      await post(f.headers.operator, '[]'),
      await post({}, huge),
    ].map((r) => `${r.statusCode} ${r.json().error.code}`);
    expect(statuses).toEqual([
      '413 FST_ERR_CTP_BODY_TOO_LARGE',
      '400 FST_ERR_CTP_INVALID_JSON_BODY',
      '415 FST_ERR_CTP_INVALID_MEDIA_TYPE',
      '415 FST_ERR_CTP_INVALID_MEDIA_TYPE',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '401 UNAUTHENTICATED',
    ]);
  });

  it('records the key, not the body, as the actor of acknowledgements and meter replacements', async () => {
    const ack = await f.app.inject({ method: 'POST', url: `/api/cleanroom/alarms/${encodeURIComponent(f.alarmIds[0]!)}/ack`, headers: f.headers.operator, payload: { comment: 'door held open' } });
    expect(ack.json()).toMatchObject({ acknowledgedBy: `matrix operator (key ${f.keyIds.operator})` });
    const trail = await f.deps.alarmStore.listTransitions({ alarmId: f.alarmIds[0]! });
    expect(trail.at(-1)).toMatchObject({ cause: 'acknowledged', actor: `matrix operator (key ${f.keyIds.operator})` });
    const replacement = { at: '2026-01-01T00:00:00Z', oldFinalM3: 10, newInitialM3: 0, comment: 'meter swapped' };
    expect((await f.app.inject({ method: 'POST', url: '/api/water/meters/inf-z2/replacements', headers: f.headers.admin, payload: replacement })).statusCode).toBe(201);
    expect((await f.deps.store.listMeterReplacements('inf-z2'))[0]).toMatchObject({ recordedBy: `matrix admin (key ${f.keyIds.admin})` });
  });
});

describe('CORS', () => {
  const preflight = (f: SecurityFixture, origin: string) =>
    f.app.inject({ method: 'OPTIONS', url: '/api/site', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });

  it('is closed by default: no cross-origin page may read an answer', async () => {
    const f = await fixture();
    expect((await preflight(f, 'https://evil.example')).headers).not.toHaveProperty('access-control-allow-origin');
    const read = await f.app.inject({ url: '/api/site', headers: { ...f.headers.viewer, origin: 'https://evil.example' } });
    expect(read.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('opens to the allow-listed origins only, without credentials', async () => {
    const f = await fixture({ security: { corsOrigins: ['https://dash.example'] } });
    const allowed = await preflight(f, 'https://dash.example');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': 'https://dash.example', 'access-control-allow-headers': 'authorization, content-type' });
    expect(allowed.headers).not.toHaveProperty('access-control-allow-credentials');
    expect((await preflight(f, 'https://evil.example')).headers).not.toHaveProperty('access-control-allow-origin');
  });
});

describe('rate limits', () => {
  it('limits each key on its own, and callers without a valid key per IP', async () => {
    const f = await fixture({ security: { rateLimitPerMinute: 3 } });
    const statuses = async (headers: Record<string, string>, n: number, url = '/api/water/tonnage') => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) out.push((await f.app.inject({ url, headers })).statusCode);
      return out;
    };
    expect(await statuses(f.headers.pr, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(f.headers.viewer, 1)).toEqual([200]);
    // Guessing keys from one address is limited like anything else that address sends.
    expect(await statuses({ authorization: `Bearer k14_${'B'.repeat(43)}` }, 2)).toEqual([401, 401]);
    expect(await statuses({}, 2, '/health')).toEqual([200, 429]);
    const limited = await f.app.inject({ url: '/no-such-page' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('fail-closed set-up', () => {
  afterEach(async () => {
    for (const f of fixtures.splice(0)) await f.close();
  });

  it('refuses to register an /api route without a permission or with a lax schema', async () => {
    const lax: Array<{ url: string; config: { permission?: 'telemetry:read' }; schema: { querystring?: z.ZodType } }> = [
      { url: '/api/forgotten', config: {}, schema: { querystring: z.strictObject({}) } },
      { url: '/api/lax-query', config: { permission: 'telemetry:read' as const }, schema: { querystring: z.object({ a: z.string() }) } },
      { url: '/api/no-query-schema', config: { permission: 'telemetry:read' as const }, schema: {} },
    ];
    const f = await fixture();
    const problems: string[] = [];
    for (const route of lax) {
      const app = await buildApi({}, f.deps);
      try {
        app.get(route.url, { config: route.config, schema: route.schema }, async () => ({}));
        await app.ready();
        problems.push(`${route.url} registered`);
      } catch (error) {
        problems.push(`${route.url}: ${error instanceof Error ? error.message : String(error)}`);
      }
      await app.close().catch(() => {});
    }
    expect(problems).toEqual([
      expect.stringMatching(/^\/api\/forgotten: route GET \/api\/forgotten declares no valid permission/),
      expect.stringMatching(/^\/api\/lax-query: .*must be a z.strictObject/),
      expect.stringMatching(/^\/api\/no-query-schema: .*has no querystring schema/),
    ]);
  });

  it('keeps internals out of a 5xx', async () => {
    const f = await fixture();
    // The fixture's app is ready; a second one takes the failing route before it starts.
    const app = await buildApi({}, f.deps);
    app.get('/api/boom', { config: { permission: 'public' }, schema: { querystring: z.strictObject({}) } }, async () => {
      throw new Error('SQLITE_CORRUPT at /srv/k14/data/telemetry.sqlite');
    });
    const response = await app.inject({ url: '/api/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error; see the server log' } });
    await app.close();
  });

  it('will not build with auth on and no key store', async () => {
    const f = await fixture();
    await expect(buildApi({}, { ...f.deps, apiKeys: undefined })).rejects.toThrow(/no API key store/);
  });
});
