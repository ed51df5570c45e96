// Builds the HTTP API (fastify) without listening: main.ts listens, tests use inject(). Closed by
// default: every route under /api, /ws and /metrics declares a permission and needs a key for it.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Api } from './api-type.ts';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SecurityConfig } from '../core/config/app-config.ts';
import { authPlugin, streamAccess, type AuthSettings } from './auth/auth-plugin.ts';
import { hardeningPlugin } from './auth/http-hardening.ts';
import type { ApiDeps } from './deps.ts';
import { installErrorHandler } from './errors.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { responseSerializerCompiler } from './schemas/response-serializer.ts';
import { authRoutes } from './routes/auth/index.ts';
import { cleanroomRoutes } from './routes/cleanroom/index.ts';
import { deadLetterRoutes } from './routes/dead-letters/index.ts';
import { healthRoutes } from './routes/health/index.ts';
import { opsRoutes } from './routes/ops/index.ts';
import { readingRoutes } from './routes/readings/index.ts';
import { siteRoutes } from './routes/site/index.ts';
import { streamRoutes } from './streams/stream-routes.ts';
import { waterRoutes } from './routes/water/index.ts';
import { uiRoutes } from './ui/ui-routes.ts';

export interface ApiOptions {
  readonly bodyLimitBytes?: number;
  /** Default: auth on (deps.apiKeys required), CORS closed, 600 requests a minute per key or IP. */
  readonly security?: Partial<Pick<SecurityConfig, 'auth' | 'corsOrigins' | 'rateLimitPerMinute'>>;
}

export async function buildApi(options: ApiOptions, deps: ApiDeps): Promise<Api> {
  const { auth = 'on', corsOrigins = [], rateLimitPerMinute = 600 } = options.security ?? {};
  const authSettings: AuthSettings = auth === 'off' ? { mode: 'off' } : { mode: 'on', keys: requireKeys(deps) };
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: options.bodyLimitBytes ?? 64 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  // JSON only: a cross-site HTML form can post text/plain without a preflight; it gets a 415.
  app.removeContentTypeParser('text/plain');
  // Hardening and auth first: their hooks must see every route registered after them.
  await app.register(hardeningPlugin, { corsOrigins, rateLimitPerMinute });
  await app.register(authPlugin, { auth: authSettings, clock: deps.clock ?? Date.now, allowedOrigins: corsOrigins });
  installErrorHandler(app, app.hasDecorator('rateLimit') ? app.rateLimit() : undefined);
  await app.register(openApiPlugin);
  for (const routes of [healthRoutes, authRoutes, siteRoutes, readingRoutes, deadLetterRoutes, waterRoutes, cleanroomRoutes, opsRoutes]) await app.register(routes, { deps });
  await app.register(streamRoutes, { hub: deps.hub, registry: deps.registry, clock: deps.clock, authorize: streamAccess });
  // The live page (api/ui) registers here. Its routes (`/`, `/ui/*`) lie outside /api, so they are
  // public without declaring anything: the page holds no data and asks for a key (docs/security.md).
  await app.register(uiRoutes);
  return app;
}

function requireKeys(deps: ApiDeps): NonNullable<ApiDeps['apiKeys']> {
  if (!deps.apiKeys) throw new Error('auth is on but no API key store was given: pass deps.apiKeys, or security.auth "off" for a local demo');
  return deps.apiKeys;
}
