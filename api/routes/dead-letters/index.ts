// Dead letters: what ingest refused and why, newest first, for inspection before a replay. Admin only:
// raw payloads show device internals and configuration mistakes.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEAD_LETTER_REASONS, DEAD_LETTER_STATUSES } from '../../../core/domain/dead-letter.ts';
import type { ApiDeps } from '../../deps.ts';
import { deadLetterSchema } from '../../schemas/common.ts';

const query = z.strictObject({
  status: z.enum([...DEAD_LETTER_STATUSES, 'all']).default('pending'),
  reason: z.enum(DEAD_LETTER_REASONS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().regex(/^\d{1,20}$/, 'a dead-letter id').optional(),
});

export const deadLetterRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    '/api/dead-letters',
    { config: { permission: 'dead-letters:read' }, schema: { querystring: query, response: { 200: z.object({ deadLetters: z.array(deadLetterSchema), nextBefore: z.string().nullable() }) } } },
    async (request) => {
      const { status, reason, limit, before } = request.query;
      const letters = await deps.store.listDeadLetters({ status, reason, limit, beforeId: before });
      return { deadLetters: letters, nextBefore: letters.length === limit ? letters.at(-1)!.id : null };
    },
  );
};
