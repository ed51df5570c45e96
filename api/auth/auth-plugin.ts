// Who is calling and whether they may (named plugin `auth`): the API key is looked up on every request,
// so a revocation applies at once; each route's declared permission is enforced before its body is
// parsed; a websocket's key is judged by the stream's authorize hook, which closes it with 4401.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../errors.ts';
import type { ChannelAccess } from '../streams/client-session.ts';
import { credentialFrom } from './api-keys.ts';
import { allows, AUTH_OFF_IDENTITY, channelAccess, type Identity, type Permission } from './permissions.ts';
import { applyRoutePolicy, isProtectedPath } from './route-policy.ts';
import type { ApiKeyStore } from './sqlite-api-key-store.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (api/auth/permissions.ts); required under /api, /ws and /metrics. */
    permission?: Permission;
  }
  interface FastifyInstance {
    /** Every route registered so far with the permission it declares (tests, docs/security.md). */
    routePermissions(): readonly RoutePermission[];
  }
  interface FastifyRequest {
    /** The caller, once the key is verified; null without a valid key. */
    identity: Identity | null;
  }
}

export interface RoutePermission {
  readonly method: string;
  readonly url: string;
  readonly permission: Permission;
}

const SEND_A_KEY = 'send an API key: Authorization: Bearer <key>';

export type AuthSettings = { readonly mode: 'on'; readonly keys: ApiKeyStore } | { readonly mode: 'off' };

export interface AuthPluginOptions {
  readonly auth: AuthSettings;
  readonly clock: () => number;
  /** Other origins whose pages may open /ws (the CORS allow-list); the API's own origin always may. */
  readonly allowedOrigins: readonly string[];
}

const authorisation: FastifyPluginAsync<AuthPluginOptions> = async (app, { auth, clock, allowedOrigins }) => {
  // Requests that sent a key we refused, to answer INVALID_CREDENTIALS rather than UNAUTHENTICATED.
  const refused = new WeakSet<FastifyRequest>();
  if (auth.mode === 'off') app.log.warn({ auth: 'off' }, 'AUTH=off: every route and the websocket are open to anyone who can reach this address, with admin rights');

  const routes: RoutePermission[] = [];
  app.decorate('routePermissions', () => routes);
  app.decorateRequest('identity', null);
  app.addHook('onRoute', (route) => {
    const permission = applyRoutePolicy(route);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, permission });
  });

  app.addHook('onRequest', async (request) => {
    if (auth.mode === 'off') {
      request.identity = AUTH_OFF_IDENTITY;
      return;
    }
    const credential = credentialFrom(request.headers);
    if (credential.kind === 'none') return;
    const record = credential.kind === 'key' ? auth.keys.verify(credential.key, clock()) : null;
    if (record) request.identity = { keyId: record.id, name: record.name, role: record.role };
    else refused.add(request);
  });

  // After onRequest, so the rate limit (a route-level onRequest hook) also counts refused requests.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const permission = request.routeOptions.config.permission ?? (isProtectedPath(request.url.split('?')[0] ?? '') ? 'authenticated' : 'public');
    if (permission === 'public') return payload;
    if (permission === 'stream:read' && request.ws) {
      checkWebsocketOrigin(request, allowedOrigins);
      return payload;
    }
    const { identity } = request;
    if (identity === null && refused.has(request)) {
      // Logged here, behind the rate limit, so a stream of guesses cannot flood the log.
      request.log.warn({ ip: request.ip }, 'request with an unknown, revoked or malformed API key');
      throw unauthorized('INVALID_CREDENTIALS', 'the API key is unknown, revoked or malformed');
    }
    if (identity === null) throw unauthorized('UNAUTHENTICATED', SEND_A_KEY);
    if (!allows(identity.role, permission)) throw forbidden('FORBIDDEN', `the ${identity.role} role may not do this (needs ${permission})`);
    return payload;
  });
};

export const authPlugin = fp(authorisation, { name: 'auth', fastify: '5.x' });

/** The stream's authorize hook: what the caller's role may read, or null (closed with 4401). */
export async function streamAccess(request: FastifyRequest): Promise<ChannelAccess | null> {
  return request.identity === null ? null : channelAccess(request.identity.role);
}

/** The caller of a route that declared a permission other than public. */
export function callerOf(request: FastifyRequest): Identity {
  if (request.identity === null) throw unauthorized('UNAUTHENTICATED', SEND_A_KEY);
  return request.identity;
}

// CORS does not cover websockets: without this any web page could open /ws from a browser on the same
// network, with AUTH=off or a key it obtained, and read the stream (cross-site websocket hijacking).
function checkWebsocketOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin === undefined || allowedOrigins.includes(origin)) return;
  if (URL.canParse(origin) && new URL(origin).host === request.headers.host) return;
  throw forbidden('ORIGIN_NOT_ALLOWED', `websocket connections from ${origin} are not allowed`);
}
