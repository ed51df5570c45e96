// Checked as each route registers, so a route that forgets its permission or accepts unknown fields
// stops the API from starting instead of shipping open (OWASP API5 function-level authorisation, API3).
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { PERMISSIONS, type Permission } from './permissions.ts';

/** Paths that carry data or control: a route here must say who may call it. */
export function isProtectedPath(url: string): boolean {
  return url.startsWith('/api/') || url === '/ws' || url === '/metrics';
}

export class RoutePolicyError extends Error {
  readonly code = 'ROUTE_POLICY';
}

/**
 * Applied from an onRoute hook. Outside the protected paths (the page at `/`, its assets, /health,
 * /ready, /openapi.json) a route that declares nothing is public; inside them nothing is implied.
 */
export function applyRoutePolicy(route: RouteOptions): Permission {
  const methods = [route.method].flat();
  const where = `${methods.join(',')} ${route.url}`;
  const declared: unknown = route.config?.permission;
  if (declared === undefined && !isProtectedPath(route.url)) {
    route.config = { ...route.config, permission: 'public' };
    return 'public';
  }
  if (!isPermission(declared)) {
    throw new RoutePolicyError(`route ${where} declares no valid permission: add config: { permission } (one of ${PERMISSIONS.join(', ')}; api/auth/permissions.ts)`);
  }
  if (route.url.startsWith('/api/')) checkStrictSchemas(route, methods, where);
  return declared;
}

function isPermission(value: unknown): value is Permission {
  return PERMISSIONS.some((p) => p === value);
}

function checkStrictSchemas(route: RouteOptions, methods: readonly string[], where: string): void {
  const schema = route.schema ?? {};
  const required: Array<'querystring' | 'body' | 'params'> = [];
  if (methods.includes('GET')) required.push('querystring');
  if (methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH')) required.push('body');
  if (route.url.includes(':')) required.push('params');
  for (const part of required) {
    if (schema[part] === undefined) throw new RoutePolicyError(`route ${where} has no ${part} schema: declare one (z.strictObject({}) when it takes none)`);
  }
  for (const part of ['querystring', 'params', 'body'] as const) {
    const declared = schema[part];
    if (declared !== undefined && !isStrictObject(declared)) throw new RoutePolicyError(`route ${where}: the ${part} schema must be a z.strictObject so unknown fields are refused`);
  }
}

function isStrictObject(schema: unknown): boolean {
  return schema instanceof z.ZodObject && schema._zod.def.catchall?._zod.def.type === 'never';
}
