// The site configuration: meters with roles and zones, rooms with classes and counters.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { siteSchema } from '../../../core/domain/site/site-schema.ts';
import type { ApiDeps } from '../../deps.ts';

export const siteRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  // Read by every screen that names meters, zones and rooms; the file itself is changed on disk, not here.
  app.get('/api/site', { config: { permission: 'telemetry:read' }, schema: { querystring: z.strictObject({}), response: { 200: siteSchema } } }, async () => deps.site);
};
