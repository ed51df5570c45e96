// Ingest's operational alarms as the API last heard them (store backlog, broker session lost), relayed
// from system/v1/ops-alarms; changes also go out on the websocket `alarms` channel as `ops` events.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { opsAlarmSchema } from '../../../core/domain/ops/ops-alarm.ts';
import type { ApiDeps } from '../../deps.ts';

export const opsRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    '/api/ops/alarms',
    { config: { permission: 'telemetry:read' }, schema: { querystring: z.strictObject({}), response: { 200: z.object({ alarms: z.array(opsAlarmSchema) }) } } },
    async () => ({ alarms: deps.opsAlarms?.active() ?? [] }),
  );
};
