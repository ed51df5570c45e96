// @ts-check
// The figures a PR team quotes: cumulative tonnes of water saved since commissioning, ticking live
// between server updates at the recycled meters' current flow, the milestones crossed with their
// dates, the next one with its projected date, and the equivalences that make a tonnage tangible.
// Everything here is what a pr key may read: the density and the recycled meters come with the
// tonnage, the flows with the `water` channel's kpis events, so the site (viewer and up) is optional.
import { byId, h, part, setAttr, setText } from './dom.js';
import { formatDate, formatMillions, formatNumber } from './format.js';

/** @typedef {import('./api-types').Tonnage} Tonnage */
/** @typedef {import('./api-types').Milestones} Milestones */

/** A projection further out than this rests on too little recent flow to be worth printing. */
const MAX_PROJECTION_MS = 20 * 365 * 86_400_000;

/** @param {string | null} projectedAt */
function projection(projectedAt) {
  if (projectedAt === null) return 'no projection: no recycled flow in the last 30 days';
  if (Date.parse(projectedAt) - Date.now() > MAX_PROJECTION_MS) return 'no projection yet: too little recent flow recorded';
  return `projected ${formatDate(projectedAt)}`;
}

/** Beyond this the counter stops running ahead of the server: an old base plus a guess is not a figure. */
const MAX_EXTRAPOLATION_MS = 10 * 60_000;
const SHOWN_CROSSINGS = 5;

export class MilestonePanel {
  /** @param {{ commissionedAt: string | null }} options null when the key may not read the site */
  constructor({ commissionedAt }) {
    /** Until the first tonnage says otherwise: water. */
    this.density = 1;
    /** @type {Set<string>} the meters the tonnage counts */
    this.recycledMeters = new Set();
    /** @type {Record<string, number>} the latest flow of each meter */
    this.flows = {};
    /** @type {{ tonnes: number, atMs: number } | null} the server's figure, at the page's clock */
    this.base = null;
    this.tonnesPerMs = 0;
    this.shown = 0;
    /** @type {Milestones | null} */
    this.milestones = null;
    const since = commissionedAt === null ? 'since commissioning' : `since commissioning, ${formatDate(commissionedAt)}`;
    setText(part(byId('milestones'), '.tonnage-since'), `water saved ${since}: the recycled volume the campus did not buy as tap water`);
  }

  /** @param {Tonnage} tonnage */
  showTonnage(tonnage) {
    this.base = { tonnes: tonnage.tonnes, atMs: Date.now() };
    this.density = tonnage.densityTonnesPerM3;
    this.recycledMeters = new Set(tonnage.meters);
    this.showFlows(this.flows);
    // A figure from partial data is said to be one; quoting it is then a choice, not an accident.
    const provisional = tonnage.provisional || tonnage.coverage < 0.99;
    setAttr(byId('tonnage-quality'), 'hidden', provisional ? null : '');
    setText(byId('tonnage-quality'), provisional ? `provisional: readings cover ${formatNumber(tonnage.coverage * 100, 0)} % of the time since commissioning` : '');
  }

  /** @param {Record<string, number>} flowsM3PerHour the latest flow of each meter */
  showFlows(flowsM3PerHour) {
    this.flows = { ...this.flows, ...flowsM3PerHour };
    // Which meters count comes with the tonnage; until both it and their flows are known, say nothing.
    const known = Object.entries(this.flows).filter(([meterId]) => this.recycledMeters.has(meterId));
    const m3PerHour = known.reduce((sum, [, flow]) => sum + flow, 0);
    this.tonnesPerMs = (m3PerHour * this.density) / 3_600_000;
    setText(byId('tonnage-rate'), known.length ? `+${formatNumber(m3PerHour * this.density, 0)} t/h now` : '');
  }

  /**
   * Advances the counter. Never backwards: a server figure slightly below the running estimate is
   * waited for rather than shown as water un-saved.
   * @param {boolean} live false while the connection is down: the counter then stands still
   */
  tick(live) {
    if (!this.base || (!live && this.shown > 0)) return;
    const elapsed = Math.min(Date.now() - this.base.atMs, MAX_EXTRAPOLATION_MS);
    const estimate = this.base.tonnes + this.tonnesPerMs * Math.max(0, elapsed);
    // A correction of more than 0.1 % is a real change (a replaced meter), not rounding: show it.
    const value = estimate < this.shown && this.shown - estimate < this.shown * 0.001 ? this.shown : estimate;
    this.shown = value;
    const [whole = '0', fraction = '00'] = value.toFixed(2).split('.');
    setText(byId('tonnage-whole'), formatNumber(Number(whole)));
    setText(byId('tonnage-fraction'), `.${fraction}`);
    // The figure PR quotes; below a million the exact number above says it better.
    setText(byId('tonnage-words'), value >= 1e6 ? `${formatMillions(Math.floor(value))} tonnes` : '');
    if (this.milestones) this.showProgress(this.milestones, value);
  }

  /** @param {Milestones} milestones */
  showMilestones(milestones) {
    this.milestones = milestones;
    const next = milestones.next[0];
    setText(byId('next-tonnes'), next ? `${formatNumber(next.tonnes)} t` : '–');
    setText(byId('next-date'), projection(next?.projectedAt ?? null));
    setText(byId('trailing-rate'), `${formatNumber(milestones.trailingTonnesPerDay)} t/day, 30-day average`);
    const list = byId('crossed-list');
    const crossed = [...milestones.crossed].reverse();
    list.replaceChildren(
      ...crossed.slice(0, SHOWN_CROSSINGS).map((c) => h('li', {}, [h('span', { class: 'num' }, [`${formatMillions(c.tonnes)} t`]), h('time', { datetime: c.crossedAt }, [formatDate(c.crossedAt)])])),
    );
    const earlier = crossed.length - SHOWN_CROSSINGS;
    setText(byId('crossed-more'), crossed.length === 0 ? 'None yet: the first is the next one above.' : earlier > 0 ? `and ${earlier} earlier, one every ${formatMillions(milestones.stepTonnes)} t` : '');
    byId('equivalences').replaceChildren(
      ...milestones.equivalences.map((e) => h('li', {}, [h('strong', {}, [`${formatNumber(e.multiple, e.multiple < 10 ? 2 : 0)} ×`]), ` ${e.name}`])),
    );
    this.showProgress(milestones, this.shown || milestones.currentTonnes);
  }

  /**
   * @param {Milestones} milestones
   * @param {number} tonnes
   */
  showProgress(milestones, tonnes) {
    const next = milestones.next[0];
    if (!next) return;
    const previous = next.tonnes - milestones.stepTonnes;
    const fraction = Math.max(0, Math.min(1, (tonnes - previous) / milestones.stepTonnes));
    const bar = byId('next-progress');
    bar.setAttribute('aria-valuenow', fraction.toFixed(3));
    bar.setAttribute('aria-valuetext', `${formatNumber(fraction * 100, 1)} % of the way from ${formatMillions(previous)} t`);
    part(bar, '.progress-fill').style.width = `${fraction * 100}%`;
    setText(byId('next-remaining'), `${formatNumber(Math.max(0, next.tonnes - tonnes))} t to go`);
  }
}
