// @ts-check
// The REST side of the live page: JSON in, JSON out, with the page's API key as `Authorization: Bearer`
// (docs/security.md), and the API's coded errors (`{"error":{"code","message"}}`) surfaced as
// ApiRequestError. A refused key (401) waits for a new one and tries again; a rate limit (429) holds
// every request of the page for the server's Retry-After rather than adding to the load.

export class ApiRequestError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string} [path] what was asked for
   */
  constructor(status, code, message, path = '') {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

/**
 * Where the key comes from. A request is refused before the server reads it (401, 429), so sending it
 * again is safe, an acknowledgement included.
 * @typedef {object} Credentials
 * @property {() => Promise<string | null>} current the key to send, once any sign-in under way is done; null sends none (AUTH=off)
 * @property {(key: string | null) => Promise<void>} [refused] this key was refused: resolves once another is in place
 */

/**
 * @typedef {object} ApiClientOptions
 * @property {Credentials} credentials
 * @property {(waitMs: number) => void} [onRateLimited] told when the page holds its requests after a 429
 */

/** Tries of one request: a refused key or a rate limit may each happen again while being handled. */
const MAX_ATTEMPTS = 4;
/** A 429 without a usable Retry-After waits this long; a very long one is capped (the page retries later). */
const DEFAULT_RETRY_AFTER_S = 5;
const MAX_RETRY_AFTER_S = 120;

export class ApiClient {
  /** @param {ApiClientOptions} options */
  constructor(options) {
    this.options = options;
    /** Page clock before which no request is sent (a 429's Retry-After). */
    this.pausedUntilMs = 0;
  }

  /**
   * @template T
   * @param {string} path
   * @returns {Promise<T>}
   */
  getJson(path) {
    return this.request(path, { headers: { accept: 'application/json' } });
  }

  /**
   * @template T
   * @param {string} path
   * @param {unknown} body
   * @returns {Promise<T>}
   */
  postJson(path, body) {
    return this.request(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /**
   * @template T
   * @param {string} path
   * @param {{ method?: string, headers: Record<string, string>, body?: string }} init
   * @returns {Promise<T>}
   */
  async request(path, init) {
    const { credentials } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      await this.rateLimitPassed();
      const key = await credentials.current();
      const headers = key === null ? init.headers : { ...init.headers, authorization: `Bearer ${key}` };
      let response;
      try {
        response = await fetch(path, { ...init, headers });
      } catch {
        throw new ApiRequestError(0, 'NETWORK', 'the server cannot be reached', path);
      }
      const result = await read(response, path);
      if (!(result instanceof ApiRequestError)) return /** @type {T} */ (result);
      if (attempt >= MAX_ATTEMPTS) throw result;
      if (result.status === 429) {
        this.pause(retryAfterSeconds(response.headers.get('retry-after')) * 1000);
        continue;
      }
      if (result.status === 401 && credentials.refused) {
        await credentials.refused(key);
        continue;
      }
      throw result;
    }
  }

  /** @param {number} waitMs */
  pause(waitMs) {
    const until = Date.now() + waitMs;
    if (until <= this.pausedUntilMs) return;
    this.pausedUntilMs = until;
    this.options.onRateLimited?.(waitMs);
  }

  async rateLimitPassed() {
    for (let waitMs = this.pausedUntilMs - Date.now(); waitMs > 0; waitMs = this.pausedUntilMs - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/**
 * The body as JSON, or the error it stands for.
 * @param {Response} response
 * @param {string} path
 * @returns {Promise<unknown>}
 */
async function read(response, path) {
  const text = await response.text().catch(() => '');
  /** @type {unknown} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: reported below by status alone.
  }
  if (response.ok) return json;
  const error = isErrorBody(json) ? json.error : { code: `HTTP_${response.status}`, message: `${response.status} ${response.statusText}` };
  return new ApiRequestError(response.status, error.code, error.message, path);
}

/**
 * Retry-After in seconds (RFC 9110 §10.2.3: seconds, or an HTTP date).
 * @param {string | null} header
 */
export function retryAfterSeconds(header) {
  if (header === null) return DEFAULT_RETRY_AFTER_S;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return DEFAULT_RETRY_AFTER_S;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(seconds)));
}

/**
 * @param {unknown} json
 * @returns {json is { error: { code: string, message: string } }}
 */
function isErrorBody(json) {
  if (typeof json !== 'object' || json === null || !('error' in json)) return false;
  const error = json.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error && typeof error.code === 'string' && typeof error.message === 'string';
}
