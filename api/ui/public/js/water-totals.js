// @ts-check
// Today's and this month's water totals (local calendar days and months in the site's time zone,
// Asia/Taipei): the volumes per meter role and the two ratios over each period. Figures PR may
// quote, so a pr key sees this table even though the live KPIs beside it are not its to read.
import { byId, part, setAttr, setText } from './dom.js';
import { formatDate, formatNumber, formatPercent } from './format.js';

/** @typedef {import('./api-types').WaterReport & { label: string }} PeriodReport */
/** @typedef {import('./api-types').MeterRole} MeterRole */

/** @type {readonly MeterRole[]} */
const ROLES = ['recycled', 'tap', 'influent', 'reject'];

export class WaterTotals {
  constructor() {
    this.table = byId('water-totals');
  }

  /**
   * @param {PeriodReport | undefined} day
   * @param {PeriodReport | undefined} month
   */
  show(day, month) {
    const table = this.table;
    const dayHead = part(table, 'thead [data-col="day"]');
    setText(dayHead, 'Today');
    setAttr(dayHead, 'title', day ? formatDate(day.from ?? Date.now()) : null);
    setText(part(table, 'thead [data-col="month"]'), month ? monthLabel(month.label) : 'This month');
    for (const [column, report] of /** @type {const} */ ([['day', day], ['month', month]])) {
      for (const role of ROLES) setText(part(table, `[data-row="${role}"] [data-col="${column}"]`), report ? `${formatNumber(report.plant.volumesM3[role])} m³` : '–');
      setText(part(table, `[data-row="rate"] [data-col="${column}"]`), report ? formatPercent(report.plant.recyclingRate.value) : '–');
      setText(part(table, `[data-row="share"] [data-col="${column}"]`), report ? formatPercent(report.plant.recycledShare.value) : '–');
    }
  }
}

/** @param {string} label "2026-11" */
function monthLabel(label) {
  const [year, month] = label.split('-').map(Number);
  if (!year || !month) return label;
  return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 15));
}
