// Coded API errors and the one handler that maps code → status. 5xx bodies never carry internals.
import type { FastifyError, preHandlerAsyncHookHandler } from 'fastify';
import { AlarmNotFoundError, AlarmTransitionError } from '../core/domain/cleanroom/alarm-types.ts';
import type { Api } from './api-type.ts';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** Response headers the status calls for (WWW-Authenticate on a 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (code: string, message: string) => new ApiError(code, 404, message);
export const badRequest = (code: string, message: string) => new ApiError(code, 400, message);
export const forbidden = (code: string, message: string) => new ApiError(code, 403, message);
export const tooManyRequests = (message: string) => new ApiError('RATE_LIMITED', 429, message);
/** RFC 6750 §3: a 401 names the scheme, and says `invalid_token` when a key was sent but refused. */
export const unauthorized = (code: 'UNAUTHENTICATED' | 'INVALID_CREDENTIALS', message: string) =>
  new ApiError(code, 401, message, { 'www-authenticate': code === 'INVALID_CREDENTIALS' ? 'Bearer realm="k14", error="invalid_token"' : 'Bearer realm="k14"' });

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** `notFoundPreHandler`: the rate limit, so probing unknown paths costs a caller like any request. */
export function installErrorHandler(app: Api, notFoundPreHandler?: preHandlerAsyncHookHandler): void {
  app.setNotFoundHandler({ ...(notFoundPreHandler ? { preHandler: notFoundPreHandler } : {}) }, (request, reply) => {
    void reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody);
  });
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).headers(error.headers).send({ error: { code: error.code, message: error.message } } satisfies ErrorBody);
    }
    if (error instanceof AlarmNotFoundError) return reply.code(404).send({ error: { code: error.code, message: error.message } } satisfies ErrorBody);
    if (error instanceof AlarmTransitionError) {
      const status = error.code === 'ILLEGAL_TRANSITION' ? 409 : 400;
      return reply.code(status).send({ error: { code: error.code, message: error.message } } satisfies ErrorBody);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({ path: v.instancePath || '/', message: v.message }));
      const message = `invalid ${error.validationContext ?? 'request'}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`;
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message, details } } satisfies ErrorBody);
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return reply.code(status).send({ error: { code: error.code ?? 'BAD_REQUEST', message: error.message } } satisfies ErrorBody);
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: { code: 'INTERNAL', message: 'internal error; see the server log' } } satisfies ErrorBody);
  });
}
