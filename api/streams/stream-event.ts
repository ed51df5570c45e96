// One event on the live stream. Ids strictly increase across every channel of a hub, so a client
// resumes with "everything after id N" whatever it had subscribed to.
import { z } from 'zod';
import { channelNameSchema } from './channel-pattern.ts';

export interface StreamEvent {
  readonly id: number;
  readonly channel: string;
  readonly type: string;
  /** ISO 8601, when the hub published it. */
  readonly at: string;
  readonly data: unknown;
}

export const streamEventSchema = z.object({
  id: z.number().int().positive(),
  channel: channelNameSchema,
  type: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

// Encoded once at publish and shared by every client, so fan-out costs no serialisation per client.
const frames = new WeakMap<StreamEvent, Buffer>();

/** The event as JSON (also the file log's line format). Throws when `data` is not JSON-serialisable. */
export function eventJson(event: StreamEvent): string {
  return JSON.stringify({ id: event.id, channel: event.channel, type: event.type, at: event.at, data: event.data ?? null });
}

export function rememberFrame(event: StreamEvent, json: string): void {
  frames.set(event, Buffer.from(`{"type":"event","event":${json}}`));
}

/** The websocket text frame payload `{"type":"event","event":{…}}`. */
export function eventFrame(event: StreamEvent): Buffer {
  let frame = frames.get(event);
  if (!frame) {
    rememberFrame(event, eventJson(event));
    frame = frames.get(event)!;
  }
  return frame;
}
