// Who am I: the caller's key (id, name), role and permissions, so a page can check a key it was given
// and show only what the role may do. With AUTH=off it answers for everyone, saying so.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../auth/auth-plugin.ts';
import { AUTH_OFF_IDENTITY, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../../auth/permissions.ts';
import type { ApiDeps } from '../../deps.ts';

const meResponse = z.object({
  auth: z.enum(['on', 'off']),
  keyId: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  permissions: z.array(z.enum(PERMISSIONS)),
});

export const authRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app) => {
  app.get('/api/auth/me', { config: { permission: 'authenticated' }, schema: { querystring: z.strictObject({}), response: { 200: meResponse } } }, async (request) => {
    const identity = callerOf(request);
    return {
      auth: identity === AUTH_OFF_IDENTITY ? ('off' as const) : ('on' as const),
      keyId: identity.keyId,
      name: identity.name,
      role: identity.role,
      permissions: [...ROLE_PERMISSIONS[identity.role]],
    };
  });
};
