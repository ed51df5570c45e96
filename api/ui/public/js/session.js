// @ts-check
// Who is using the page (docs/security.md, "The live page"). GET /api/auth/me without a key first:
// AUTH=off answers it for everyone, and then no key is used. Otherwise the page asks for an API key,
// checks it with /api/auth/me and keeps it in sessionStorage only (gone when the tab closes; never
// localStorage or a cookie). A key the server later refuses is forgotten and asked for again.
import { ApiClient, ApiRequestError } from './api-client.js';
import { KeyForm } from './key-form.js';

/** @typedef {import('./api-types').Identity} Identity */
/** @typedef {import('./api-client.js').Credentials} Credentials */

const KEY_STORAGE = 'k14.apiKey';

const ASK_FIRST = 'This page shows live plant and cleanroom figures to holders of an API key. Enter yours to go on.';
const ASK_STORED_REFUSED = 'The key kept for this tab was refused (revoked, or the server’s keys changed). Enter a key to go on.';
const ASK_REFUSED = 'The server no longer accepts this page’s key (it may have been revoked). Enter a key to go on: the figures behind are not current.';

/**
 * What /api/auth/me says of `key` (null: no key).
 * @param {string | null} key
 * @returns {Promise<Identity>}
 */
function whoIs(key) {
  return new ApiClient({ credentials: { current: async () => key } }).getJson('/api/auth/me');
}

/** @param {unknown} error */
const isRefusal = (error) => error instanceof ApiRequestError && error.status === 401;

/** @param {unknown} error why a key entered in the form was not accepted */
function refusal(error) {
  if (isRefusal(error)) return 'That key was refused: it is unknown, revoked or mistyped.';
  if (error instanceof ApiRequestError && error.status === 0) return 'The server cannot be reached: check the network and try again.';
  return `The server could not check the key (${error instanceof Error ? error.message : String(error)}). Try again.`;
}

/**
 * The page's credentials (api-client.js): the key to send, and what to do when it is refused.
 * @implements {Credentials}
 */
export class Session {
  /** @param {{ onIdentity?: (identity: Identity) => void }} [options] told of each key accepted */
  constructor(options = {}) {
    this.options = options;
    /** @type {string | null} */
    this.key = sessionStorage.getItem(KEY_STORAGE);
    /** @type {Identity | null} */
    this.identity = null;
    /** @type {Promise<Identity> | null} a sign-in under way: requests wait for it */
    this.signingIn = null;
    /** @type {KeyForm | null} */
    this.form = null;
  }

  /**
   * Signs in: no key when AUTH=off, else the key this tab kept, else one asked for.
   * @returns {Promise<Identity>}
   */
  async start() {
    try {
      // Answered only with AUTH=off: then every caller is the same anonymous admin.
      return this.accept(null, await whoIs(null));
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
    if (this.key === null) return this.ask(ASK_FIRST);
    try {
      return this.accept(this.key, await whoIs(this.key));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      this.forget();
      return this.ask(ASK_STORED_REFUSED);
    }
  }

  /** The key to send, once any sign-in under way is done. */
  async current() {
    if (this.signingIn) await this.signingIn;
    return this.key;
  }

  /**
   * The server refused `key` (a 401, a websocket closed with 4401): forget it and ask again. A key
   * of another role changes what the page shows, so the page then starts over with it.
   * @param {string | null} key the key that was refused; one already replaced is not asked for twice
   */
  async refused(key) {
    if (key !== this.key) {
      // Already forgotten by another refused request: its sign-in brings the next key.
      if (this.signingIn) await this.signingIn;
      return;
    }
    const before = this.identity;
    this.forget();
    const identity = await this.ask(ASK_REFUSED);
    if (before && before.permissions.join() !== identity.permissions.join()) {
      location.reload();
      await new Promise(() => {});
    }
  }

  signOut() {
    this.forget();
    location.reload();
  }

  /** What audit trails record for this key (api/auth/permissions.ts actorOf). */
  actor() {
    const identity = this.identity;
    if (!identity) return '';
    return identity.auth === 'off' ? identity.name : `${identity.name} (key ${identity.keyId})`;
  }

  /**
   * @param {string} why
   * @returns {Promise<Identity>}
   */
  ask(why) {
    this.signingIn ??= this.askUntilAccepted(why).finally(() => (this.signingIn = null));
    return this.signingIn;
  }

  /** @param {string} why */
  async askUntilAccepted(why) {
    const form = (this.form ??= new KeyForm());
    /** @type {string | undefined} */
    let prompt = why;
    for (;;) {
      const candidate = await form.next(prompt);
      prompt = undefined;
      try {
        const identity = await whoIs(candidate);
        form.close();
        return this.accept(candidate, identity);
      } catch (error) {
        form.fail(refusal(error));
      }
    }
  }

  /**
   * @param {string | null} key
   * @param {Identity} identity
   */
  accept(key, identity) {
    this.key = key;
    if (key === null) sessionStorage.removeItem(KEY_STORAGE);
    else sessionStorage.setItem(KEY_STORAGE, key);
    this.identity = identity;
    this.options.onIdentity?.(identity);
    return identity;
  }

  forget() {
    this.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
  }
}
