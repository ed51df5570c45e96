// MQTT 3.1.1 frames for the flood publisher, built ahead of time, and the counter of the broker's
// answers: with QoS 1 and no keep-alive, Mosquitto sends the publisher nothing but PUBACKs, four
// bytes each (MQTT 3.1.1 § 3.4: 0x40, remaining length 2, packet identifier).
import mqttPacket from 'mqtt-packet';
import { deviceMessage } from './device-mix.ts';

const PUBACK_TYPE = 0x40;
const PUBACK_LENGTH = 4;
/** Packet identifiers cycle through 1…65,535; a window of unacknowledged publishes must stay below that. */
const MAX_PACKET_ID = 65_535;

export interface PublishFrames {
  /** Frames [from, to) of the stream as one buffer (a view, no copy). */
  slice(from: number, to: number): Buffer;
}

/** The QoS 1 PUBLISH frames of messages 0…count-1 of the device stream (device-mix.ts), back to back. */
export function publishFrames(count: number, startMs: number): PublishFrames {
  const frames: Buffer[] = [];
  const offsets = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) {
    const { topic, payload } = deviceMessage(n, startMs);
    const frame = mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 1, messageId: (n % MAX_PACKET_ID) + 1, dup: false, retain: false });
    frames.push(frame);
    offsets[n + 1] = offsets[n]! + frame.length;
  }
  const all = Buffer.concat(frames, offsets[count]);
  return { slice: (from, to) => all.subarray(offsets[from], offsets[to]) };
}

export interface PubackCounter {
  readonly count: number;
  /** Counts the PUBACKs in a chunk of the socket's bytes; throws on any other packet. */
  add(chunk: Buffer): void;
}

/** Counts PUBACKs across chunk boundaries without parsing them into objects. */
export function pubackCounter(): PubackCounter {
  let count = 0;
  // Bytes of the current 4-byte frame already seen in earlier chunks.
  let carried = 0;
  return {
    get count() {
      return count;
    },
    add(chunk) {
      for (let i = (PUBACK_LENGTH - carried) % PUBACK_LENGTH; i < chunk.length; i += PUBACK_LENGTH) {
        if (chunk[i] !== PUBACK_TYPE || (i + 1 < chunk.length && chunk[i + 1] !== 2)) {
          throw new Error(`the broker sent something other than a PUBACK (byte 0x${chunk[i]!.toString(16)} where a PUBACK starts)`);
        }
      }
      const total = carried + chunk.length;
      count += Math.floor(total / PUBACK_LENGTH);
      carried = total % PUBACK_LENGTH;
    },
  };
}
