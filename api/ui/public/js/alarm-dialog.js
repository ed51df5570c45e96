// @ts-check
// The acknowledge and shelve dialog: ISA-18.2 wants who and why on every operator action. Who is the
// page's API key (the server records "<name> (key <id>)"; the dialog says so), why is a required
// comment (the assignable cause; the reason to shelve), and shelving is for a bounded duration.
// A modal <dialog> keeps focus inside and gives Escape for free.
import { ApiRequestError } from './api-client.js';
import { byId, h, setText, typedById } from './dom.js';
import { formatNumber } from './format.js';

/** @typedef {import('./api-types').Alarm} Alarm */
/** @typedef {import('./alarm-list.js').AlarmCommand} AlarmCommand */

/**
 * @typedef {object} AlarmDialogOptions
 * @property {import('./api-client.js').ApiClient} api
 * @property {() => string} actor what the audit trail will record as who acted
 * @property {() => string} role the key's role, to say so when it may not act
 * @property {readonly number[]} shelveChoicesMinutes
 * @property {(alarm: Alarm) => void} onDone
 */

export class AlarmDialog {
  /** @param {AlarmDialogOptions} options */
  constructor(options) {
    this.options = options;
    this.dialog = typedById('alarm-dialog', HTMLDialogElement);
    this.form = typedById('alarm-form', HTMLFormElement);
    this.comment = typedById('alarm-comment', HTMLTextAreaElement);
    this.duration = typedById('alarm-duration', HTMLSelectElement);
    this.error = byId('alarm-error');
    this.submit = byId('alarm-submit');
    /** @type {{ command: AlarmCommand, alarm: Alarm, trigger: HTMLElement } | null} */
    this.current = null;
    for (const minutes of options.shelveChoicesMinutes) this.duration.append(h('option', { value: String(minutes) }, [minutes < 60 ? `${minutes} min` : `${formatNumber(minutes / 60, minutes % 60 ? 1 : 0)} h`]));
    this.duration.value = String(options.shelveChoicesMinutes[1] ?? options.shelveChoicesMinutes[0] ?? 30);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    byId('alarm-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => this.restoreFocus());
  }

  /**
   * @param {AlarmCommand} command
   * @param {Alarm} alarm
   * @param {string} description
   * @param {HTMLElement} trigger where focus returns afterwards
   */
  open(command, alarm, description, trigger) {
    this.current = { command, alarm, trigger };
    const ack = command === 'ack';
    setText(byId('alarm-dialog-title'), ack ? 'Acknowledge alarm' : 'Shelve alarm');
    setText(byId('alarm-dialog-what'), `${alarm.severity.toUpperCase()}: ${description}`);
    setText(byId('alarm-dialog-actor'), `Recorded as ${this.options.actor()}.`);
    setText(byId('alarm-comment-label'), ack ? 'Assignable cause (required)' : 'Why shelve it (required)');
    byId('alarm-duration-field').hidden = ack;
    this.duration.required = !ack;
    setText(this.submit, ack ? 'Acknowledge' : 'Shelve');
    setText(this.error, '');
    this.comment.value = '';
    this.dialog.showModal();
    this.comment.focus();
  }

  async send() {
    const current = this.current;
    if (!current || !this.form.reportValidity()) return;
    const comment = this.comment.value.trim();
    if (!comment) {
      setText(this.error, 'Say why: the comment cannot be blank.');
      return;
    }
    const id = encodeURIComponent(current.alarm.id);
    // The server takes who acted from the key; a body naming someone is refused.
    const body = current.command === 'ack' ? { comment } : { comment, durationMinutes: Number(this.duration.value) };
    this.submit.setAttribute('disabled', '');
    setText(this.error, '');
    try {
      /** @type {Alarm} */
      const alarm = await this.options.api.postJson(`/api/cleanroom/alarms/${id}/${current.command}`, body);
      this.dialog.close();
      this.options.onDone(alarm);
    } catch (error) {
      setText(this.error, `Not done: ${this.explain(error, current.command)}`);
    } finally {
      this.submit.removeAttribute('disabled');
    }
  }

  /**
   * @param {unknown} error
   * @param {AlarmCommand} command
   */
  explain(error, command) {
    if (error instanceof ApiRequestError && error.status === 403) {
      return `this key’s role (${this.options.role()}) may not ${command === 'ack' ? 'acknowledge' : 'shelve'} alarms.`;
    }
    // 409: someone else acted first; the list refreshes and shows what they did.
    return error instanceof Error ? error.message : String(error);
  }

  restoreFocus() {
    const trigger = this.current?.trigger;
    this.current = null;
    // The alarm may have left the list (acknowledged after it cleared): focus its heading instead.
    if (trigger?.isConnected && !trigger.hidden) trigger.focus();
    else byId('alarms-title').focus();
  }
}
