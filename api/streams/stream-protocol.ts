// The websocket protocol's messages: what a client may send (validated with zod at the boundary)
// and what the server sends back. Events go out as `{"type":"event","event":StreamEvent}`.
import { z } from 'zod';
import { channelPatternSchema } from './channel-pattern.ts';

const MAX_CHANNELS_PER_MESSAGE = 64;
const channels = z.array(channelPatternSchema).min(1).max(MAX_CHANNELS_PER_MESSAGE);

export const subscribeMessageSchema = z.strictObject({
  type: z.literal('subscribe'),
  channels,
  /** The last event id the client saw: it gets the kept events after it before live ones. */
  after: z.number().int().nonnegative().optional(),
});

export const unsubscribeMessageSchema = z.strictObject({ type: z.literal('unsubscribe'), channels });

export const pingMessageSchema = z.strictObject({ type: z.literal('ping'), id: z.union([z.string().max(64), z.number()]).optional() });

export const clientMessageSchema = z.discriminatedUnion('type', [subscribeMessageSchema, unsubscribeMessageSchema, pingMessageSchema]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

const MESSAGE_TYPES = clientMessageSchema.options.map((o) => o.shape.type.value);

export type ProtocolErrorCode = 'INVALID_JSON' | 'INVALID_MESSAGE' | 'UNKNOWN_MESSAGE_TYPE' | 'BINARY_NOT_SUPPORTED' | 'FORBIDDEN' | 'TOO_MANY_CHANNELS';

export type ParsedMessage = { ok: true; message: ClientMessage } | { ok: false; code: ProtocolErrorCode; message: string };

/** Parses one text frame; never throws, so a bad message costs the client an error reply, not the socket. */
export function parseClientMessage(text: string): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'message is not JSON' };
  }
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  if (typeof type !== 'string' || !(MESSAGE_TYPES as string[]).includes(type)) {
    return { ok: false, code: 'UNKNOWN_MESSAGE_TYPE', message: `unknown message type ${JSON.stringify(type) ?? 'undefined'}; expected one of ${MESSAGE_TYPES.join(', ')}` };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return { ok: false, code: 'INVALID_MESSAGE', message: `invalid ${type} message: ${issues.join('; ')}` };
}

export type ServerMessage =
  | { type: 'subscribed'; channels: string[]; added: string[]; lastEventId: number; replayComplete: boolean; replayed: number }
  | { type: 'unsubscribed'; channels: string[] }
  | { type: 'heartbeat'; at: string; lastEventId: number }
  | { type: 'pong'; at: string; id?: string | number }
  | { type: 'error'; code: ProtocolErrorCode; message: string }
  | { type: 'dropped'; reason: string };

export function encode(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** Close codes in the private-use range 4000–4999 (RFC 6455 §7.4.2), mirroring HTTP where one fits. */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  internalError: 1011,
  unauthorized: 4401,
  slowConsumer: 4008,
} as const;
