// @ts-check
// Each cleanroom's worst latest concentration per size channel as a fraction of its ISO 14644-1 class
// limit, against the alert and action levels. Every colour has its word beside it (NORMAL, ALERT,
// ACTION, STALE), so the state reads without colour vision and on a washed-out wall screen.
import { byId, h, part, setAttr, setText } from './dom.js';
import { channelLabel, formatNumber, formatPercent } from './format.js';

/** @typedef {import('./api-types').Room} Room */
/** @typedef {import('./api-types').ChannelStatus} ChannelStatus */
/** @typedef {import('./api-types').RoomLevel} RoomLevel */

/** Shapes as well as colours and words: one more cue that survives a monochrome glance. */
export const LEVEL_SYMBOLS = { normal: '●', alert: '▲', action: '■', stale: '◌' };
/** The bar spans 0–125 % of the class limit, so an excursion past the limit still shows. */
const SCALE_MAX = 1.25;

/**
 * A level badge: symbol and word, coloured by CSS from data-level.
 * @param {string} level
 */
export function badge(level) {
  const symbol = LEVEL_SYMBOLS[/** @type {keyof typeof LEVEL_SYMBOLS} */ (level)] ?? '●';
  return h('span', { class: 'badge', 'data-level': level }, [h('span', { 'aria-hidden': 'true' }, [symbol]), ` ${level.toUpperCase()}`]);
}

/**
 * Where the worst value stands against the counter's levels, for the bar's colour.
 * @param {ChannelStatus} c
 * @returns {'normal' | 'alert' | 'action' | 'none'}
 */
function valueLevel(c) {
  if (c.worstPerM3 === null) return 'none';
  if (c.actionPerM3 !== null && c.worstPerM3 >= c.actionPerM3) return 'action';
  if (c.alertPerM3 !== null && c.worstPerM3 >= c.alertPerM3) return 'alert';
  return 'normal';
}

export class CleanroomPanel {
  /** @param {import('./api-types').Site} site */
  constructor(site) {
    this.site = site;
    this.container = byId('rooms');
    /** @type {Map<string, HTMLElement>} */
    this.cards = new Map();
  }

  /** @param {Room[]} rooms */
  show(rooms) {
    for (const room of rooms) {
      let card = this.cards.get(room.roomId);
      if (!card) {
        card = this.buildCard(room);
        this.cards.set(room.roomId, card);
        this.container.append(card);
      }
      this.update(card, room);
    }
  }

  /** @param {Room} room */
  buildCard(room) {
    const title = room.name ?? room.roomId;
    const rows = room.channels.map((c) =>
      h('tr', { 'data-channel': c.channel }, [
        h('th', { scope: 'row' }, [channelLabel(c.channel)]),
        h('td', { class: 'num', 'data-part': 'worst' }),
        h('td', { class: 'fraction' }, [h('div', { class: 'bar', 'aria-hidden': 'true' }, [h('div', { class: 'bar-fill' })]), h('span', { 'data-part': 'fraction' })]),
        h('td', { 'data-part': 'status' }),
      ]),
    );
    const card = h('article', { class: 'room', 'aria-label': `Room ${title}` }, [
      h('header', { class: 'room-head' }, [h('h3', {}, [title]), h('span', { 'data-part': 'room-badge' })]),
      h('table', { class: 'channels' }, [
        h('caption', { class: 'sr-only' }, [`Worst latest concentration per size channel in ${title}, against the ISO ${room.isoClass} class limit`]),
        h('thead', {}, [h('tr', {}, [h('th', { scope: 'col' }, ['Size']), h('th', { scope: 'col', class: 'num' }, ['Worst now, /m³']), h('th', { scope: 'col' }, ['Of class limit']), h('th', { scope: 'col' }, ['Alarm'])])]),
        h('tbody', {}, rows),
      ]),
      h('p', { class: 'room-note', 'data-part': 'note' }),
    ]);
    for (const c of room.channels) this.buildMarks(part(card, `[data-channel="${c.channel}"] .bar`), c);
    return card;
  }

  /**
   * Alert, action and the class limit as ticks on the bar.
   * @param {HTMLElement} bar
   * @param {ChannelStatus} c
   */
  buildMarks(bar, c) {
    if (c.classLimitPerM3 === null) return;
    const limit = c.classLimitPerM3;
    const marks = [
      { at: c.alertPerM3 === null ? null : c.alertPerM3 / limit, cls: 'mark-alert' },
      { at: c.actionPerM3 === null ? null : c.actionPerM3 / limit, cls: 'mark-action' },
      { at: 1, cls: 'mark-limit' },
    ];
    for (const mark of marks) {
      if (mark.at === null || mark.at > SCALE_MAX) continue;
      const tick = h('span', { class: `bar-mark ${mark.cls}` });
      tick.style.left = `${(mark.at / SCALE_MAX) * 100}%`;
      bar.append(tick);
    }
  }

  /**
   * @param {HTMLElement} card
   * @param {Room} room
   */
  update(card, room) {
    setAttr(card, 'data-level', room.status);
    const badgeSlot = part(card, '[data-part="room-badge"]');
    if (badgeSlot.dataset['level'] !== room.status) {
      badgeSlot.replaceChildren(badge(room.status), ` ISO ${room.isoClass}`);
      badgeSlot.dataset['level'] = room.status;
    }
    for (const c of room.channels) {
      const row = part(card, `[data-channel="${c.channel}"]`);
      setText(part(row, '[data-part="worst"]'), c.worstPerM3 === null ? '–' : formatNumber(c.worstPerM3));
      const fill = part(row, '.bar-fill');
      const level = valueLevel(c);
      setAttr(fill, 'data-level', level);
      fill.style.width = `${Math.min(1, (c.fractionOfLimit ?? 0) / SCALE_MAX) * 100}%`;
      setAttr(part(row, '.bar'), 'data-none', c.classLimitPerM3 === null ? 'true' : null);
      setText(part(row, '[data-part="fraction"]'), c.classLimitPerM3 === null ? 'no class limit' : formatPercent(c.fractionOfLimit, 1));
      const status = part(row, '[data-part="status"]');
      if (status.dataset['level'] !== c.status) {
        status.replaceChildren(badge(c.status));
        status.dataset['level'] = c.status;
      }
    }
    setText(part(card, '[data-part="note"]'), this.note(room));
  }

  /** @param {Room} room */
  note(room) {
    const parts = [];
    if (room.staleCounterIds.length) parts.push(`Silent counter${room.staleCounterIds.length > 1 ? 's' : ''}: ${room.staleCounterIds.join(', ')} (no evidence the air is clean there)`);
    parts.push(`${room.openAlarms} open alarm${room.openAlarms === 1 ? '' : 's'}, ${room.unacknowledgedAlarms} unacknowledged, ${room.shelvedAlarms} shelved`);
    return parts.join(' · ');
  }
}
