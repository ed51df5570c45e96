// Hardening for every response (named plugin `http-hardening`): security headers, CORS closed unless
// origins are allow-listed, and a rate limit per API key, or per client IP for requests without one.
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { tooManyRequests } from '../errors.ts';
import { AUTH_OFF_IDENTITY } from './permissions.ts';

export interface HardeningOptions {
  /** Origins (scheme://host[:port]) whose pages may call the API cross-origin; none by default. */
  readonly corsOrigins: readonly string[];
  /** Requests per minute per key (per IP without one); 0 turns the limit off (benchmarks). */
  readonly rateLimitPerMinute: number;
}

/** For a same-origin page whose scripts are files: nothing inline, nothing from elsewhere, never framed. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Set before anything else runs, so refusals (401, 404, 429) carry them too. A route may override one:
// the page at `/` sets its own CSP with the hash of its import map, and its own caching.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), payment=()',
  // Answers depend on who asked; no shared cache may keep one.
  'cache-control': 'no-store',
};

const WINDOW_MS = 60_000;

/** A key's own bucket; with AUTH=off everyone is the same identity, so the IP decides. */
function rateLimitKey(request: FastifyRequest): string {
  const { identity } = request;
  return identity && identity !== AUTH_OFF_IDENTITY ? `key:${identity.keyId}` : `ip:${request.ip}`;
}

const hardening: FastifyPluginAsync<HardeningOptions> = async (app, { corsOrigins, rateLimitPerMinute }) => {
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  if (corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...corsOrigins],
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      // Keys travel in a header, never in cookies: no credentialed CORS needed.
      credentials: false,
      maxAge: 600,
    });
  }
  if (rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: rateLimitPerMinute,
      timeWindow: WINDOW_MS,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) => tooManyRequests(`at most ${context.max} requests a minute; retry in ${context.after}`),
    });
  } else {
    app.log.warn({ rateLimitPerMinute }, 'rate limiting is off');
  }
};

export const hardeningPlugin = fp(hardening, { name: 'http-hardening', fastify: '5.x' });
