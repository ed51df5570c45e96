// Builds the HTTP API (fastify) without listening: main.ts listens, tests use inject().
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Api } from './api-type.ts';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps.ts';
import { installErrorHandler } from './errors.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { cleanroomRoutes } from './routes/cleanroom/index.ts';
import { deadLetterRoutes } from './routes/dead-letters/index.ts';
import { healthRoutes } from './routes/health/index.ts';
import { readingRoutes } from './routes/readings/index.ts';
import { siteRoutes } from './routes/site/index.ts';
import { streamRoutes } from './streams/stream-routes.ts';
import { waterRoutes } from './routes/water/index.ts';

export interface ApiOptions {
  readonly bodyLimitBytes?: number;
}

export async function buildApi(options: ApiOptions, deps: ApiDeps): Promise<Api> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: options.bodyLimitBytes ?? 64 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(openApiPlugin);
  for (const routes of [healthRoutes, siteRoutes, readingRoutes, deadLetterRoutes, waterRoutes, cleanroomRoutes]) await app.register(routes, { deps });
  await app.register(streamRoutes, { hub: deps.hub, registry: deps.registry, clock: deps.clock });
  return app;
}
