// Liveness and readiness (public: orchestrators probe without a key) and Prometheus metrics (a key:
// counters and client numbers describe the plant's traffic).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const noQuery = z.strictObject({});
  app.get('/health', { config: { permission: 'public' }, schema: { querystring: noQuery, response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  const readyResponse = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.boolean()) });
  app.get('/ready', { config: { permission: 'public' }, schema: { querystring: noQuery, response: { 200: readyResponse, 503: readyResponse } } }, async (_request, reply) => {
    const checks = [{ name: 'store', check: () => deps.store.countReadings('meter', { fromMs: 0, toMs: 1 }).then(() => true) }, ...(deps.readiness ?? [])];
    const results = await Promise.all(checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const));
    const ready = results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({ ready, checks: Object.fromEntries(results) });
  });

  app.get('/metrics', { config: { permission: 'metrics:read' }, schema: { querystring: noQuery, response: { 200: z.string() } } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4').send(deps.registry.render());
  });
};
