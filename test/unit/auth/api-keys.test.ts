// API key format and where a request carries one: the Authorization header (RFC 6750) or, on a
// websocket upgrade from a browser, a `k14.bearer.<key>` subprotocol.
import { describe, expect, it } from 'vitest';
import { credentialFrom, generateApiKey, hashApiKey, WS_BEARER_PREFIX, WS_PROTOCOL } from '../../../api/auth/api-keys.ts';

const KEY = `k14_${'a1B2-_'.repeat(7)}x`;

describe('API keys', () => {
  it('are 32 random bytes, base64url, with a prefix, and hash to SHA-256 hex', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^k14_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey(a.key)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('credentialFrom', () => {
  it('reads a Bearer key, case-insensitively on the scheme', () => {
    expect(credentialFrom({ authorization: `Bearer ${KEY}` })).toEqual({ kind: 'key', key: KEY });
    expect(credentialFrom({ authorization: `bearer ${KEY}` })).toEqual({ kind: 'key', key: KEY });
  });

  it('calls anything else in Authorization malformed, never absent', () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', `Bearer`, `Bearer ${KEY} extra`, `Bearer ${KEY.slice(0, -1)}`, `Token ${KEY}`, `Bearer ${KEY}!`]) {
      expect(credentialFrom({ authorization }), authorization).toEqual({ kind: 'malformed' });
    }
  });

  it('reads the key from a websocket subprotocol when there is no Authorization header', () => {
    expect(credentialFrom({ 'sec-websocket-protocol': `${WS_PROTOCOL}, ${WS_BEARER_PREFIX}${KEY}` })).toEqual({ kind: 'key', key: KEY });
    expect(credentialFrom({ 'sec-websocket-protocol': `${WS_PROTOCOL}, ${WS_BEARER_PREFIX}short` })).toEqual({ kind: 'malformed' });
    expect(credentialFrom({ 'sec-websocket-protocol': WS_PROTOCOL })).toEqual({ kind: 'none' });
    expect(credentialFrom({ authorization: 'Basic x', 'sec-websocket-protocol': `${WS_BEARER_PREFIX}${KEY}` })).toEqual({ kind: 'malformed' });
  });

  it('finds nothing in a request without either', () => {
    expect(credentialFrom({})).toEqual({ kind: 'none' });
  });
});
