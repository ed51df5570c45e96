// @ts-check
// The active cleanroom alarms (ANSI/ISA-18.2 states: unacknowledged, acknowledged, cleared but
// unacknowledged, shelved), those still needing someone first. Rows are updated in place, keyed by
// alarm id, so a keyboard user's focus on a button survives the updates the websocket brings.
import { byId, h, part, setAttr, setText } from './dom.js';
import { badge } from './cleanroom-panel.js';
import { channelLabel, formatDateTime, formatHourMinute, formatNumber } from './format.js';

/** @typedef {import('./api-types').Alarm} Alarm */
/** @typedef {'ack' | 'shelve'} AlarmCommand */

/** The engine's rules (core/domain/cleanroom/alarm-lifecycle.ts), so the page offers only what will succeed. */
const ACKNOWLEDGEABLE = new Set(['active-unacknowledged', 'cleared-unacknowledged']);
const SHELVABLE = new Set(['active-unacknowledged', 'active-acknowledged', 'cleared-unacknowledged']);

/** @param {Alarm} alarm */
export const needsAcknowledgement = (alarm) => ACKNOWLEDGEABLE.has(alarm.state);

/**
 * @param {Alarm} a
 * @param {Alarm} b
 */
function urgency(a, b) {
  const rank = (/** @type {Alarm} */ x) => (needsAcknowledgement(x) ? 0 : 2) + (x.severity === 'action' ? 0 : 1) + (x.state === 'shelved' ? 4 : 0);
  return rank(a) - rank(b) || Date.parse(b.raisedAt) - Date.parse(a.raisedAt);
}

/** @param {Alarm} alarm */
function stateText(alarm) {
  switch (alarm.state) {
    case 'active-unacknowledged':
      return 'Active, unacknowledged';
    case 'active-acknowledged':
      return `Active, acknowledged${alarm.acknowledgedBy ? ` by ${alarm.acknowledgedBy}` : ''}`;
    case 'cleared-unacknowledged':
      return `Cleared${alarm.clearedAt ? ` ${formatHourMinute(alarm.clearedAt)}` : ''}, unacknowledged`;
    case 'shelved':
      return `Shelved${alarm.shelvedBy ? ` by ${alarm.shelvedBy}` : ''}${alarm.shelvedUntil ? ` until ${formatDateTime(alarm.shelvedUntil)}` : ''}`;
    default:
      return 'Normal';
  }
}

export class AlarmList {
  /**
   * @param {{ site: import('./api-types').Site, canOperate: boolean, onCommand: (command: AlarmCommand, alarm: Alarm, trigger: HTMLElement) => void }} options
   */
  constructor(options) {
    this.options = options;
    this.list = byId('alarm-list');
    this.empty = byId('alarm-empty');
    this.count = byId('alarm-count');
    /** @type {Map<string, { row: HTMLElement, alarm: Alarm }>} */
    this.rows = new Map();
    this.counterNames = new Map(options.site.rooms.flatMap((r) => r.counters.map((c) => [`${r.id}/${c.id}`, c.name ?? c.id])));
  }

  /** @param {string} id */
  get(id) {
    return this.rows.get(id)?.alarm;
  }

  /** @returns {Alarm[]} */
  alarms() {
    return [...this.rows.values()].map((r) => r.alarm);
  }

  /** @param {Alarm[]} alarms */
  show(alarms) {
    const sorted = [...alarms].sort(urgency);
    const keep = new Set(sorted.map((a) => a.id));
    for (const [id, { row }] of this.rows) {
      if (keep.has(id)) continue;
      row.remove();
      this.rows.delete(id);
    }
    sorted.forEach((alarm, index) => {
      let entry = this.rows.get(alarm.id);
      if (!entry) {
        entry = { row: this.buildRow(alarm), alarm };
        this.rows.set(alarm.id, entry);
      }
      entry.alarm = alarm;
      this.update(entry.row, alarm);
      // Moved only when out of place: moving a focused node would drop keyboard focus.
      if (this.list.children[index] !== entry.row) this.list.insertBefore(entry.row, this.list.children[index] ?? null);
    });
    this.empty.hidden = sorted.length > 0;
    const unacknowledged = sorted.filter(needsAcknowledgement).length;
    setText(this.count, sorted.length ? `${sorted.length} active, ${unacknowledged} unacknowledged` : 'none');
  }

  /** @param {Alarm} alarm */
  describe(alarm) {
    const what = alarm.kind === 'stale' ? 'Counter silent' : `Excursion ${alarm.channel ? channelLabel(alarm.channel) : ''}`;
    const counter = this.counterNames.get(`${alarm.roomId}/${alarm.counterId}`);
    return `${what}, ${alarm.roomId} / ${alarm.counterId}${counter && counter !== alarm.counterId ? ` (${counter})` : ''}`;
  }

  /** @param {Alarm} alarm */
  buildRow(alarm) {
    const { canOperate, onCommand } = this.options;
    const label = `${alarm.severity.toUpperCase()} alarm: ${this.describe(alarm)}`;
    const actions = h('div', { class: 'alarm-actions' });
    if (canOperate) {
      for (const [command, text] of /** @type {const} */ ([['ack', 'Acknowledge…'], ['shelve', 'Shelve…']])) {
        const button = h('button', { type: 'button', class: `btn btn-${command}`, 'data-command': command, 'aria-label': `${text.replace('…', '')} ${label}` }, [text]);
        button.addEventListener('click', () => {
          const entry = this.rows.get(alarm.id);
          if (entry) onCommand(command, entry.alarm, button);
        });
        actions.append(button);
      }
    }
    return h('li', { class: 'alarm', 'data-alarm-id': alarm.id, 'aria-label': label }, [
      h('div', { class: 'alarm-main' }, [h('span', { 'data-part': 'severity' }), h('span', { class: 'alarm-what' }, [this.describe(alarm)])]),
      h('div', { class: 'alarm-detail' }, [h('strong', { 'data-part': 'state' }), h('span', { 'data-part': 'facts' })]),
      actions,
    ]);
  }

  /**
   * @param {HTMLElement} row
   * @param {Alarm} alarm
   */
  update(row, alarm) {
    setAttr(row, 'data-severity', alarm.severity);
    setAttr(row, 'data-state', alarm.state);
    const severity = part(row, '[data-part="severity"]');
    if (severity.dataset['level'] !== alarm.severity) {
      severity.replaceChildren(badge(alarm.severity));
      severity.dataset['level'] = alarm.severity;
    }
    setText(part(row, '[data-part="state"]'), stateText(alarm));
    const facts = [`raised ${formatDateTime(alarm.raisedAt)}`];
    if (alarm.peakPerM3 !== null) facts.push(`peak ${formatNumber(alarm.peakPerM3)} /m³`);
    if (alarm.levelPerM3 !== null) facts.push(`level ${formatNumber(alarm.levelPerM3)} /m³`);
    setText(part(row, '[data-part="facts"]'), ` · ${facts.join(' · ')}`);
    for (const button of row.querySelectorAll('button[data-command]')) {
      if (!(button instanceof HTMLButtonElement)) continue;
      button.hidden = !(button.dataset['command'] === 'ack' ? ACKNOWLEDGEABLE : SHELVABLE).has(alarm.state);
    }
  }
}
