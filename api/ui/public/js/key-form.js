// @ts-check
// The API key form: a modal <dialog> (focus stays inside, the page behind is inert) with a labelled
// password field, so nothing else on the page works until a key is accepted. It checks only the
// shape of a key (api/auth/api-keys.ts); whether the server takes it is session.js's question.
import { byId, setText, typedById } from './dom.js';

const KEY_PATTERN = /^k14_[A-Za-z0-9_-]{43}$/;

export class KeyForm {
  constructor() {
    this.dialog = typedById('key-dialog', HTMLDialogElement);
    this.form = typedById('key-form', HTMLFormElement);
    this.input = typedById('key-input', HTMLInputElement);
    this.reveal = typedById('key-reveal', HTMLInputElement);
    this.why = byId('key-why');
    this.error = byId('key-error');
    this.submit = byId('key-submit');
    this.shown = false;
    /** @type {((key: string) => void) | null} */
    this.waiting = null;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.take();
    });
    this.reveal.addEventListener('change', () => (this.input.type = this.reveal.checked ? 'text' : 'password'));
    // Escape would leave a page that cannot fetch anything: the form stays until a key is accepted.
    this.dialog.addEventListener('cancel', (event) => event.preventDefault());
    this.dialog.addEventListener('close', () => {
      if (this.shown) this.dialog.showModal();
    });
  }

  /**
   * Shows the form (once) and resolves with the next well-formed key entered.
   * @param {string} [why] what the form says above the field; kept when not given
   * @returns {Promise<string>}
   */
  next(why) {
    if (why !== undefined) setText(this.why, why);
    if (!this.shown) {
      this.shown = true;
      this.input.value = '';
      setText(this.error, '');
      this.dialog.showModal();
    }
    this.busy(false);
    this.input.focus();
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** @param {string} message why the last key was not accepted */
  fail(message) {
    setText(this.error, message);
    this.busy(false);
    this.input.setAttribute('aria-invalid', 'true');
    this.input.select();
  }

  close() {
    this.shown = false;
    this.waiting = null;
    this.input.value = '';
    this.input.removeAttribute('aria-invalid');
    this.dialog.close();
  }

  take() {
    const key = this.input.value.trim();
    if (!this.waiting) return;
    if (!key) return this.fail('Enter the API key.');
    if (!KEY_PATTERN.test(key)) return this.fail('That is not an API key: a key is k14_ followed by 43 letters, digits, - or _. Check it was copied whole.');
    setText(this.error, '');
    this.busy(true);
    const resolve = this.waiting;
    this.waiting = null;
    resolve(key);
  }

  /** @param {boolean} on */
  busy(on) {
    if (on) this.submit.setAttribute('disabled', '');
    else this.submit.removeAttribute('disabled');
    setText(this.submit, on ? 'Checking…' : 'Sign in');
  }
}
