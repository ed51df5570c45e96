// @ts-check
// The water figures a facility engineer watches: live recycling rate and recycled share against the
// K14 reference values (55 % phase 1, 70 % phase 2; a 2/3 campus share) and flows per meter role.
// The calendar totals beside them are water-totals.js (a pr key reads those, not these).
import { byId, h, part, setAttr, setText } from './dom.js';
import { formatNumber, formatPercent } from './format.js';

/** @typedef {import('./api-types').Site} Site */
/** @typedef {import('./api-types').WaterReport} WaterReport */
/** @typedef {import('./api-types').Ratio} Ratio */
/** @typedef {import('./api-types').MeterRole} MeterRole */

/** The seed's reference values (DOMAIN.md): the plant's recovery per phase and the campus water mix. */
export const REFERENCES = Object.freeze({ ratePhase1: 0.55, ratePhase2: 0.7, share: 2 / 3 });

/** @type {readonly MeterRole[]} */
const ROLES = ['influent', 'recycled', 'reject', 'tap'];
const ROLE_LABELS = { influent: 'Influent (from fabs)', recycled: 'Recycled (to fabs)', reject: 'Reject (discharge)', tap: 'Tap (municipal)' };

/**
 * @param {Ratio} ratio
 * @returns {string} why there is no value, for the tile
 */
function missingReason(ratio) {
  if (ratio.reason === 'stale_meter') return `no value: meter ${(ratio.staleMeters ?? []).join(', ') || '?'} silent`;
  if (ratio.reason === 'zero_denominator') return 'no value: no flow in the window';
  return 'no value yet';
}

/**
 * A 0–100 % scale with the reference values marked; positions are set through the CSSOM, which the
 * page's content security policy allows where style attributes are not.
 * @param {HTMLElement} scale
 * @param {Array<{ at: number, label: string }>} marks
 */
function buildScale(scale, marks) {
  const fill = h('div', { class: 'scale-fill' });
  scale.replaceChildren(fill);
  for (const mark of marks) {
    const tick = h('span', { class: 'scale-mark' }, [h('span', { class: 'scale-label' }, [mark.label])]);
    tick.style.left = `${mark.at * 100}%`;
    scale.append(tick);
  }
  return fill;
}

export class WaterPanel {
  /** @param {Site} site */
  constructor(site) {
    this.site = site;
    this.zoneNames = new Map(site.zones.map((z) => [z.id, z.name]));
    this.rateTile = byId('kpi-rate');
    this.shareTile = byId('kpi-share');
    this.rateFill = buildScale(part(this.rateTile, '.scale'), [
      { at: REFERENCES.ratePhase1, label: '55 %' },
      { at: REFERENCES.ratePhase2, label: '70 %' },
    ]);
    this.shareFill = buildScale(part(this.shareTile, '.scale'), [{ at: REFERENCES.share, label: '2/3' }]);
    /** @type {Map<string, number>} */
    this.flows = new Map();
    /** @type {Set<string>} */
    this.staleMeters = new Set();
    this.flowRows = this.buildFlowRows();
  }

  /** @param {WaterReport} report */
  showReport(report) {
    const { plant } = report;
    this.showRatio(this.rateTile, this.rateFill, plant.recyclingRate, rateVerdict(plant.recyclingRate.value));
    this.showRatio(this.shareTile, this.shareFill, plant.recycledShare, shareVerdict(plant.recycledShare.value));
    setText(part(this.rateTile, '.kpi-zones'), this.zoneLine(report, 'recyclingRate'));
    setText(part(this.shareTile, '.kpi-zones'), this.zoneLine(report, 'recycledShare'));
    const reuse = plant.reuseFactor.value;
    setText(part(this.shareTile, '.kpi-extra'), reuse === null ? 'reuse factor –' : `reuse factor ×${formatNumber(reuse, 1)}: each tonne of tap water used ${formatNumber(reuse, 1)} times`);
    setText(byId('balance-gap'), formatPercent(plant.balanceGap.value, 1));
    this.staleMeters = new Set(report.meters.filter((m) => m.stale).map((m) => m.meterId));
    if (report.flowsM3PerHour) this.showFlows(report.flowsM3PerHour);
    else this.renderFlows();
  }

  /** @param {Record<string, number>} flowsByMeter */
  showFlows(flowsByMeter) {
    for (const [meterId, flow] of Object.entries(flowsByMeter)) this.flows.set(meterId, flow);
    this.renderFlows();
  }

  /**
   * @param {HTMLElement} tile
   * @param {HTMLElement} fill
   * @param {Ratio} ratio
   * @param {{ text: string, level: string }} verdict
   */
  showRatio(tile, fill, ratio, verdict) {
    const value = ratio.value;
    setText(part(tile, '.kpi-value'), formatPercent(value));
    fill.style.width = `${Math.max(0, Math.min(1, value ?? 0)) * 100}%`;
    const note = part(tile, '.kpi-verdict');
    setText(note, value === null ? missingReason(ratio) : verdict.text);
    setAttr(note, 'data-level', value === null ? 'missing' : verdict.level);
  }

  /**
   * @param {WaterReport} report
   * @param {'recyclingRate' | 'recycledShare'} kpi
   */
  zoneLine(report, kpi) {
    const parts = Object.entries(report.zones)
      .filter(([, scope]) => scope[kpi].value !== null)
      .map(([zone, scope]) => `${this.zoneNames.get(zone) ?? zone} ${formatPercent(scope[kpi].value)}`);
    return parts.join(' · ');
  }

  buildFlowRows() {
    const body = byId('water-flows-body');
    /** @type {Map<MeterRole, { total: HTMLElement, meters: HTMLElement }>} */
    const rows = new Map();
    for (const role of ROLES) {
      const total = h('td', { class: 'num' }, ['–']);
      const meters = h('td', { class: 'meters' });
      body.append(h('tr', { 'data-role': role }, [h('th', { scope: 'row' }, [ROLE_LABELS[role]]), total, meters]));
      rows.set(role, { total, meters });
    }
    return rows;
  }

  renderFlows() {
    for (const role of ROLES) {
      const row = this.flowRows.get(role);
      if (!row) continue;
      const meters = this.site.meters.filter((m) => m.role === role && (!m.installedAt || Date.parse(m.installedAt) <= Date.now()));
      const known = meters.filter((m) => this.flows.has(m.id));
      const total = known.reduce((sum, m) => sum + (this.flows.get(m.id) ?? 0), 0);
      setText(row.total, known.length ? formatNumber(total, 1) : '–');
      const chips = meters.map((m) => {
        const stale = this.staleMeters.has(m.id);
        const flow = this.flows.get(m.id);
        return h('span', { class: 'meter', 'data-stale': stale ? 'true' : undefined, title: m.name ?? m.id }, [`${m.id} ${flow === undefined ? '–' : formatNumber(flow, 1)}`, stale ? ' (silent)' : '']);
      });
      const signature = chips.map((c) => c.textContent).join('|');
      if (row.meters.dataset['signature'] !== signature) {
        row.meters.replaceChildren(...chips);
        row.meters.dataset['signature'] = signature;
      }
    }
  }
}

/** @param {number | null} value */
function rateVerdict(value) {
  if (value === null) return { text: '', level: 'missing' };
  const { ratePhase1, ratePhase2 } = REFERENCES;
  if (value >= ratePhase2) return { text: `at or above the phase 2 reference (70 %) by ${formatNumber((value - ratePhase2) * 100, 1)} pt`, level: 'good' };
  if (value >= ratePhase1) return { text: `${formatNumber((ratePhase2 - value) * 100, 1)} pt below phase 2 (70 %), above phase 1 (55 %)`, level: 'fair' };
  return { text: `${formatNumber((ratePhase1 - value) * 100, 1)} pt below the phase 1 reference (55 %)`, level: 'low' };
}

/** @param {number | null} value */
function shareVerdict(value) {
  if (value === null) return { text: '', level: 'missing' };
  const delta = (value - REFERENCES.share) * 100;
  const level = delta >= -1 ? 'good' : delta >= -10 ? 'fair' : 'low';
  return { text: `${delta >= 0 ? '+' : '−'}${formatNumber(Math.abs(delta), 1)} pt against the 2/3 reference`, level };
}
