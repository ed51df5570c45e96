// Latest reading of every device, and one meter's or room's readings over a range.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { errorSchema, meterReadingSchema, particleSampleSchema, readingSchema } from '../../schemas/common.ts';
import { rangeQuery, toTimeRange } from '../../schemas/range-query.ts';

export const readingRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const meters = new Set(deps.site.meters.map((m) => m.id));
  const rooms = new Set(deps.site.rooms.map((r) => r.id));

  app.get('/api/readings/latest', { config: { permission: 'telemetry:read' }, schema: { querystring: z.strictObject({}), response: { 200: z.object({ readings: z.array(readingSchema) }) } } }, async () => ({
    readings: await deps.store.latestReadings(),
  }));

  app.get(
    '/api/meters/:meterId/readings',
    { config: { permission: 'telemetry:read' }, schema: { params: z.strictObject({ meterId: z.string() }), querystring: rangeQuery, response: { 200: z.object({ readings: z.array(meterReadingSchema) }), 404: errorSchema } } },
    async (request) => {
      const { meterId } = request.params;
      if (!meters.has(meterId)) throw notFound('METER_NOT_FOUND', `meter "${meterId}" is not in the site configuration`);
      return { readings: await deps.store.readMeterReadings(meterId, toTimeRange(request.query)) };
    },
  );

  app.get(
    '/api/rooms/:roomId/readings',
    { config: { permission: 'telemetry:read' }, schema: { params: z.strictObject({ roomId: z.string() }), querystring: rangeQuery, response: { 200: z.object({ readings: z.array(particleSampleSchema) }), 404: errorSchema } } },
    async (request) => {
      const { roomId } = request.params;
      if (!rooms.has(roomId)) throw notFound('ROOM_NOT_FOUND', `room "${roomId}" is not in the site configuration`);
      return { readings: await deps.store.readParticleSamples({ roomId }, toTimeRange(request.query)) };
    },
  );
};
