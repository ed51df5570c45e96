// API keys and where a request carries one. A key is `k14_` + 32 random bytes (base64url); only its
// SHA-256 is stored: with 256 bits of entropy a salt or a slow hash would add nothing.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const KEY_PATTERN = /^k14_[A-Za-z0-9_-]{43}$/;
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Browsers cannot set headers on a WebSocket, so the page offers two subprotocols: `k14.v1` (the one
 * the server echoes, as the first offered) and `k14.bearer.<key>`. A key in the URL would end up in
 * access logs and proxies; a subprotocol is a header.
 */
export const WS_PROTOCOL = 'k14.v1';
export const WS_BEARER_PREFIX = 'k14.bearer.';

export interface NewApiKey {
  /** Shown once, never stored. */
  readonly key: string;
  /** Public handle for listing, revoking and audit trails. */
  readonly id: string;
  readonly hash: string;
}

export function generateApiKey(): NewApiKey {
  const key = `k14_${randomBytes(32).toString('base64url')}`;
  return { key, id: randomBytes(6).toString('hex'), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export type Credential = { readonly kind: 'none' } | { readonly kind: 'malformed' } | { readonly kind: 'key'; readonly key: string };

/** `Authorization: Bearer <key>`, else a `k14.bearer.<key>` websocket subprotocol. */
export function credentialFrom(headers: IncomingHttpHeaders): Credential {
  const authorization = headers.authorization;
  if (authorization !== undefined) return wellFormed(BEARER.exec(authorization)?.[1]);
  const protocols = headers['sec-websocket-protocol'];
  const offered = protocols?.split(',').map((p) => p.trim()).find((p) => p.startsWith(WS_BEARER_PREFIX));
  if (offered !== undefined) return wellFormed(offered.slice(WS_BEARER_PREFIX.length));
  return { kind: 'none' };
}

function wellFormed(key: string | undefined): Credential {
  return key !== undefined && KEY_PATTERN.test(key) ? { kind: 'key', key } : { kind: 'malformed' };
}
