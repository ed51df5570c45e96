// Mosquitto 2 password-file hashes, `$7$iterations$salt$hash` (PBKDF2-HMAC-SHA512, 12-byte salt, 64-byte
// key, base64), as mosquitto_passwd writes them, made with node:crypto so no Mosquitto tools are needed.
// The embedded broker verifies logins against the same hashes Mosquitto reads.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** mosquitto_passwd's default; the passwords are random 192-bit strings, so more would add nothing. */
export const DEFAULT_ITERATIONS = 101;
const SALT_BYTES = 12;
const KEY_BYTES = 64;
const FORMAT = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export function hashPassword(password: string, options: { iterations?: number; salt?: Buffer } = {}): string {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const key = pbkdf2Sync(password, salt, iterations, KEY_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `hash` (one password-file entry after the colon) was made from `password`. */
export function verifyPassword(hash: string, password: string | Buffer): boolean {
  const match = FORMAT.exec(hash);
  if (match === null) return false;
  const expected = Buffer.from(match[3] ?? '', 'base64');
  const actual = pbkdf2Sync(password, Buffer.from(match[2] ?? '', 'base64'), Number(match[1]), expected.length, 'sha512');
  return expected.length === KEY_BYTES && timingSafeEqual(actual, expected);
}

/** A password any shell, env file and MQTT client takes as is: 32 characters of [A-Za-z0-9_-]. */
export function newPassword(): string {
  return randomBytes(24).toString('base64url');
}
