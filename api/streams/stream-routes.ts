// GET /ws: the live event stream (@fastify/websocket). An encapsulated plugin: it registers the
// websocket support itself unless a parent already did, and closes its clients when the app closes.
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MetricsRegistry } from '../../core/observability/metrics.ts';
import { allowAll, ClientSession, type ChannelAccess } from './client-session.ts';
import type { EventHub } from './event-hub.ts';
import { StreamStats } from './stream-stats.ts';

export interface StreamRoutesOptions {
  readonly hub: EventHub;
  /** Who the client is and what it may read; null closes the socket with 4401. Default: all may read all. */
  readonly authorize?: (request: FastifyRequest) => Promise<ChannelAccess | null>;
  /** Gets api_ws_clients and api_ws_dropped_total. */
  readonly registry?: MetricsRegistry;
  /** Pass one to read the counters directly; one is created otherwise. */
  readonly stats?: StreamStats;
  readonly heartbeatIntervalMs?: number;
  readonly maxQueuedMessages?: number;
  readonly maxBufferedBytes?: number;
  readonly closeGraceMs?: number;
  readonly maxChannels?: number;
  /** Largest client message; applies only when this plugin registers @fastify/websocket. */
  readonly maxMessageBytes?: number;
  /** Epoch ms, for heartbeat and pong timestamps. */
  readonly clock?: () => number;
}

const tuningSchema = z.object({
  heartbeatIntervalMs: z.number().int().positive().default(15_000),
  maxQueuedMessages: z.number().int().positive().default(1_000),
  maxBufferedBytes: z.number().int().positive().default(1024 * 1024),
  closeGraceMs: z.number().int().positive().default(5_000),
  maxChannels: z.number().int().positive().default(256),
  maxMessageBytes: z.number().int().positive().default(64 * 1024),
});

export const streamRoutes: FastifyPluginAsync<StreamRoutesOptions> = async (app, options) => {
  const parsed = tuningSchema.safeParse(options);
  if (!parsed.success) throw new Error(`invalid stream route options: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const tuning = parsed.data;
  const { hub, clock = Date.now } = options;
  const authorize = options.authorize ?? (async () => allowAll);
  const stats = options.stats ?? new StreamStats();
  if (options.registry) stats.register(options.registry);
  const sessions = new Set<ClientSession>();

  // Added before @fastify/websocket registers its own, so clients hear 1001 rather than a bare close.
  app.addHook('preClose', async () => {
    await Promise.all([...sessions].map((session) => session.stop()));
  });
  if (!app.hasDecorator('websocketServer')) await app.register(fastifyWebsocket, { options: { maxPayload: tuning.maxMessageBytes } });

  // The permission admits the upgrade; authorize() then judges the key (4401) and picks the channels.
  app.get('/ws', { websocket: true, config: { permission: 'stream:read' } }, (socket, request) => {
    const session = new ClientSession({
      socket,
      hub,
      authorize: async () => {
        const access = await authorize(request);
        if (access === null) stats.unauthorisedTotal += 1;
        return access;
      },
      heartbeatIntervalMs: tuning.heartbeatIntervalMs,
      maxQueuedMessages: tuning.maxQueuedMessages,
      maxBufferedBytes: tuning.maxBufferedBytes,
      closeGraceMs: tuning.closeGraceMs,
      maxChannels: tuning.maxChannels,
      clock,
      logger: request.log,
      onDropped: (reason) => stats.recordDrop(reason),
    });
    sessions.add(session);
    stats.connected += 1;
    void session.done.then(() => {
      sessions.delete(session);
      stats.connected -= 1;
    });
    session.start();
  });
};
