// The generator's own part of writing Mosquitto's auth files (planning and writing them is shared with
// the embedded broker in core/adapters/mqtt/credential-files.ts): the owners' uid:gid argument.
import type { Ownership } from '../../core/adapters/mqtt/credential-files.ts';

/** "1883:1883" → ownership. */
export function parseOwnership(text: string): Ownership {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (match === null) throw new Error(`"${text}" is not uid:gid, e.g. 1883:1883`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}
