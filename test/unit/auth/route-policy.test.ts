// The registration-time route policy: protected paths must declare a permission and strict schemas;
// elsewhere an undeclared route is public.
import type { RouteOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyRoutePolicy, isProtectedPath } from '../../../api/auth/route-policy.ts';

const handler = async () => ({});
const route = (overrides: Partial<RouteOptions>): RouteOptions => ({ method: 'GET', url: '/api/x', handler, ...overrides });
const noQuery = z.strictObject({});

describe('applyRoutePolicy', () => {
  it('knows the protected paths', () => {
    expect(['/api/site', '/ws', '/metrics', '/', '/ui/app.js', '/health', '/openapi.json', '/apix'].map(isProtectedPath)).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('makes an undeclared route outside them public, and says so in its config', () => {
    const r = route({ url: '/ui/*' });
    expect(applyRoutePolicy(r)).toBe('public');
    expect(r.config).toEqual({ permission: 'public' });
  });

  it('refuses a protected route without a known permission', () => {
    expect(() => applyRoutePolicy(route({ schema: { querystring: noQuery } }))).toThrow(/declares no valid permission/);
    expect(() => applyRoutePolicy(route({ url: '/ws' }))).toThrow(/declares no valid permission/);
    expect(() => applyRoutePolicy(route({ config: { permission: 'superuser' as 'public' }, schema: { querystring: noQuery } }))).toThrow(/declares no valid permission/);
  });

  it('asks /api routes for strict query, params and body schemas', () => {
    const config = { permission: 'telemetry:read' as const };
    expect(applyRoutePolicy(route({ config, schema: { querystring: noQuery } }))).toBe('telemetry:read');
    expect(() => applyRoutePolicy(route({ config, schema: {} }))).toThrow(/no querystring schema/);
    expect(() => applyRoutePolicy(route({ config, schema: { querystring: z.object({}) } }))).toThrow(/strictObject/);
    expect(() => applyRoutePolicy(route({ config, url: '/api/x/:id', schema: { querystring: noQuery } }))).toThrow(/no params schema/);
    expect(() => applyRoutePolicy(route({ config, method: 'POST', url: '/api/x', schema: {} }))).toThrow(/no body schema/);
    expect(() => applyRoutePolicy(route({ config, method: 'POST', url: '/api/x', schema: { body: z.looseObject({}) } }))).toThrow(/strictObject/);
    const refined = z.strictObject({ a: z.string().optional() }).refine(() => true);
    expect(applyRoutePolicy(route({ config, method: 'POST', schema: { body: refined } }))).toBe('telemetry:read');
  });
});
