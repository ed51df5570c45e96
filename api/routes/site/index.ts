// The site configuration: meters with roles and zones, rooms with classes and counters.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { siteSchema } from '../../../core/domain/site/site-schema.ts';
import type { ApiDeps } from '../../deps.ts';

export const siteRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/api/site', { schema: { response: { 200: siteSchema } } }, async () => deps.site);
};
