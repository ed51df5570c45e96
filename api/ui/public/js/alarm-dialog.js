// @ts-check
// The acknowledge and shelve dialog: ISA-18.2 wants who and why on every operator action, so both ask
// for a name and a comment (the assignable cause; the reason to shelve) and shelving for a bounded
// duration. A modal <dialog> keeps focus inside and gives Escape for free.
/* global localStorage, HTMLDialogElement, HTMLFormElement, HTMLInputElement, HTMLTextAreaElement, HTMLSelectElement */
import { postJson } from './api-client.js';
import { byId, h, setText } from './dom.js';
import { formatNumber } from './format.js';

/** @typedef {import('./api-types').Alarm} Alarm */
/** @typedef {import('./alarm-list.js').AlarmCommand} AlarmCommand */

const NAME_KEY = 'k14.operatorName';

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function element(id, type) {
  const found = byId(id);
  if (!(found instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
  return found;
}

export class AlarmDialog {
  /**
   * @param {{ shelveChoicesMinutes: readonly number[], onDone: (alarm: Alarm) => void }} options
   */
  constructor(options) {
    this.options = options;
    this.dialog = element('alarm-dialog', HTMLDialogElement);
    this.form = element('alarm-form', HTMLFormElement);
    this.by = element('alarm-by', HTMLInputElement);
    this.comment = element('alarm-comment', HTMLTextAreaElement);
    this.duration = element('alarm-duration', HTMLSelectElement);
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
    setText(byId('alarm-comment-label'), ack ? 'Assignable cause (required)' : 'Why shelve it (required)');
    byId('alarm-duration-field').hidden = ack;
    this.duration.required = !ack;
    setText(this.submit, ack ? 'Acknowledge' : 'Shelve');
    setText(this.error, '');
    this.comment.value = '';
    this.by.value = localStorage.getItem(NAME_KEY) ?? '';
    this.dialog.showModal();
    (this.by.value ? this.comment : this.by).focus();
  }

  async send() {
    const current = this.current;
    if (!current || !this.form.reportValidity()) return;
    const by = this.by.value.trim();
    const comment = this.comment.value.trim();
    if (!by || !comment) {
      setText(this.error, by ? 'Say why: the comment cannot be blank.' : 'Give your name: every action is recorded with who did it.');
      return;
    }
    localStorage.setItem(NAME_KEY, by);
    const id = encodeURIComponent(current.alarm.id);
    const body = current.command === 'ack' ? { by, comment } : { by, comment, durationMinutes: Number(this.duration.value) };
    this.submit.setAttribute('disabled', '');
    setText(this.error, '');
    try {
      /** @type {Alarm} */
      const alarm = await postJson(`/api/cleanroom/alarms/${id}/${current.command}`, body);
      this.dialog.close();
      this.options.onDone(alarm);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // 409: someone else acted first; the list refreshes and shows what they did.
      setText(this.error, `Not done: ${message}`);
    } finally {
      this.submit.removeAttribute('disabled');
    }
  }

  restoreFocus() {
    const trigger = this.current?.trigger;
    this.current = null;
    // The alarm may have left the list (acknowledged after it cleared): focus its heading instead.
    if (trigger?.isConnected && !trigger.hidden) trigger.focus();
    else byId('alarms-title').focus();
  }
}
