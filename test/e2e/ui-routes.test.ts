// The live page's static serving through fastify inject(), as buildApi registers it (auth on): content
// types, fingerprinted URLs that may be cached for good, revalidation with ETags, the content security
// policy, that the page needs no key while the API it calls does, and that it shadows none of the
// API's own routes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../api/api-type.ts';
import { buildApi } from '../../api/build-api.ts';
import { openSqliteStore } from '../../core/adapters/sqlite/open-sqlite-store.ts';
import type { TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { apiDepsFor, authHeader, type TestApiDeps } from '../fixtures/api-deps.ts';
import { k14Site } from '../fixtures/site.ts';

describe('live page static routes', () => {
  let dir: string;
  let store: TelemetryStore;
  let deps: TestApiDeps;
  let app: Api;
  let html: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-ui-routes-'));
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
    deps = await apiDepsFor(store, k14Site());
    app = await buildApi({}, deps);
    html = (await app.inject('/')).body;
  });

  afterAll(async () => {
    await app?.close();
    await deps?.alarms.stop();
    await deps?.alarmStore.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const versionedUrls = () => [...html.matchAll(/"(\/ui\/[^"?]+\?v=[\w-]+)"/g)].map((m) => m[1]!);

  it('serves the page at / as HTML that revalidates, with a CSP allowing only its own import map inline', async () => {
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^"[\w-]+"$/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.body).toContain('<script type="importmap">');
    expect(page.body).toMatch(/<script type="module" src="\/ui\/js\/main\.js\?v=[\w-]+">/);
    expect(page.body).not.toContain('<!-- import-map -->');
  });

  it('has no inline script but the import map, and no inline style, in the page or written by its modules', async () => {
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1])).toEqual([' type="importmap"']);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const url of new Set(versionedUrls().filter((u) => u.includes('.js?')))) {
      const source = (await app.inject(url)).body;
      // Inline style attributes and markup from strings are what the CSP would refuse; CSSOM writes (el.style.left) are allowed.
      expect(source, url).not.toMatch(/\.(inner|outer)HTML\s*=|insertAdjacentHTML\(|document\.write\(|setAttribute\(\s*['"]style|\beval\(|new Function\(/);
    }
  });

  it('needs no key itself, while the API it calls does', async () => {
    expect((await app.inject('/')).statusCode).toBe(200);
    expect((await app.inject('/ui/js/main.js')).statusCode).toBe(200);
    const me = await app.inject('/api/auth/me');
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('UNAUTHENTICATED');
    const viewer = await app.inject({ url: '/api/auth/me', headers: authHeader(deps, 'viewer', 'wall display') });
    expect(viewer.json()).toMatchObject({ auth: 'on', name: 'wall display', role: 'viewer' });
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = await app.inject('/');
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves every fingerprinted asset with its content type and a year of immutable caching', async () => {
    const urls = versionedUrls();
    expect(urls.some((u) => u.startsWith('/ui/css/live.css?v='))).toBe(true);
    expect(urls.filter((u) => u.endsWith('.js') || u.includes('.js?')).length).toBeGreaterThan(5);
    for (const url of new Set(urls)) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toBe(url.includes('.css?') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(response.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('lets an unversioned or outdated asset URL revalidate instead of sticking', async () => {
    for (const url of ['/ui/js/main.js', '/ui/js/main.js?v=old']) {
      const response = await app.inject(url);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers a missing file, a path escape and the type declarations with a coded 404, a bad escape with 400', async () => {
    for (const url of ['/ui/js/nope.js', '/ui/%2e%2e/ui-routes.ts', '/ui/../ui-routes.ts', '/ui/js/api-types.d.ts', '/index.html']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toMatch(/^(ASSET_NOT_FOUND|ROUTE_NOT_FOUND)$/);
    }
    // A malformed escape is the router's 400, never a 500.
    expect((await app.inject('/ui/%E0%A4%A')).statusCode).toBe(400);
  });

  it('shadows none of the API routes and stays out of the OpenAPI document', async () => {
    expect((await app.inject('/api/site')).headers['content-type']).toMatch(/^application\/json/);
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/metrics')).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', headers: authHeader(deps, 'viewer') })).statusCode).toBe(200);
    const openapi = (await app.inject('/openapi.json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).filter((p) => p === '/' || p.startsWith('/ui'))).toEqual([]);
    expect(Object.keys(openapi.paths)).toContain('/api/site');
  });
});
