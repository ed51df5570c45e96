// @ts-check
// A banner for what the server says about this page rather than about the plant: a rate limit being
// waited out, a role refused something. Read out politely (role="status") and gone when it no
// longer holds.
import { byId, setText } from './dom.js';

export class Notice {
  constructor() {
    this.banner = byId('notice-banner');
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  /**
   * @param {string} text
   * @param {number} forMs
   */
  show(text, forMs) {
    clearTimeout(this.timer);
    setText(this.banner, text);
    this.banner.hidden = false;
    this.timer = setTimeout(() => (this.banner.hidden = true), forMs);
  }
}
