// @ts-check
// The REST side of the live page: JSON in, JSON out, and the API's coded errors
// (`{"error":{"code","message"}}`) surfaced as ApiRequestError so the page can say what went wrong.
/* global fetch */

export class ApiRequestError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
  }
}

/**
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export function getJson(path) {
  return request(path, { headers: { accept: 'application/json' } });
}

/**
 * @template T
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<T>}
 */
export function postJson(path, body) {
  return request(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/**
 * @template T
 * @param {string} path
 * @param {RequestInit} init
 * @returns {Promise<T>}
 */
async function request(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiRequestError(0, 'NETWORK', 'the server cannot be reached');
  }
  const text = await response.text();
  /** @type {unknown} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: reported below by status alone.
  }
  if (!response.ok) {
    const error = isErrorBody(json) ? json.error : { code: `HTTP_${response.status}`, message: `${response.status} ${response.statusText}` };
    throw new ApiRequestError(response.status, error.code, error.message);
  }
  return /** @type {T} */ (json);
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
