// @ts-check
// The last 24 h of recycling rate and recycled share, hourly, as a small hand-drawn SVG line chart
// with the reference values as dashed lines: no chart library, so the first load stays small.
import { formatHourMinute, formatPercent } from './format.js';
import { REFERENCES } from './water-panel.js';

/** @typedef {import('./api-types').SeriesPoint} SeriesPoint */

const SVG = 'http://www.w3.org/2000/svg';
const HOUR_MS = 3_600_000;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @param {string} [text]
 */
function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * @param {SeriesPoint[]} points
 * @returns {Array<{ atMs: number, value: number | null }>}
 */
function midpoints(points) {
  return points.map((p) => ({ atMs: (Date.parse(p.from) + Date.parse(p.to)) / 2, value: p.value }));
}

export class WaterChart {
  /** @param {SVGSVGElement} element */
  constructor(element) {
    this.element = element;
    /** @type {{ rate: SeriesPoint[], share: SeriesPoint[] }} */
    this.series = { rate: [], share: [] };
    this.title = svg('title', {});
    new ResizeObserver(() => this.render()).observe(element);
  }

  /**
   * @param {SeriesPoint[]} rate
   * @param {SeriesPoint[]} share
   */
  show(rate, share) {
    this.series = { rate, share };
    this.render();
  }

  render() {
    const { clientWidth: width, clientHeight: height } = this.element;
    if (width < 50 || height < 50) return;
    // Margins in ems of the page's font, which grows on a wall screen, so the labels always fit.
    const em = parseFloat(getComputedStyle(this.element).fontSize) || 12;
    const PAD = { left: 3.4 * em, right: 5.4 * em, top: 1.1 * em, bottom: 1.9 * em };
    const rate = midpoints(this.series.rate);
    const share = midpoints(this.series.share);
    const all = [...this.series.rate, ...this.series.share];
    const fromMs = Math.min(...all.map((p) => Date.parse(p.from)), Date.now() - 24 * HOUR_MS);
    const toMs = Math.max(...all.map((p) => Date.parse(p.to)), Date.now());
    const values = [...rate, ...share].flatMap((p) => (p.value === null ? [] : [p.value]));
    // Zoomed to the values and references, in whole 10 % steps, so a 2-point change is visible.
    const lo = Math.max(0, Math.floor((Math.min(...values, REFERENCES.ratePhase1) - 0.03) * 10) / 10);
    const hi = Math.min(1, Math.ceil((Math.max(...values, REFERENCES.ratePhase2) + 0.03) * 10) / 10);
    const x = (/** @type {number} */ ms) => PAD.left + ((ms - fromMs) / (toMs - fromMs)) * (width - PAD.left - PAD.right);
    const y = (/** @type {number} */ v) => PAD.top + (1 - (v - lo) / (hi - lo)) * (height - PAD.top - PAD.bottom);

    const nodes = [this.title];
    for (let v = lo; v <= hi + 1e-9; v += 0.1) {
      nodes.push(svg('line', { class: 'grid', x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }));
      nodes.push(svg('text', { class: 'axis', x: PAD.left - 0.4 * em, y: y(v) + 0.35 * em, 'text-anchor': 'end' }, `${Math.round(v * 100)} %`));
    }
    for (let t = Math.ceil(fromMs / (6 * HOUR_MS)) * 6 * HOUR_MS; t <= toMs; t += 6 * HOUR_MS) {
      nodes.push(svg('line', { class: 'grid', x1: x(t), x2: x(t), y1: PAD.top, y2: height - PAD.bottom }));
      nodes.push(svg('text', { class: 'axis', x: x(t), y: height - 0.5 * em, 'text-anchor': 'middle' }, formatHourMinute(t)));
    }
    // Top to bottom on screen; a label too close to the one above moves down, so 70 % and 2/3 never overprint.
    let lowestLabelY = -Infinity;
    for (const [value, cls, label] of /** @type {const} */ ([
      [REFERENCES.ratePhase2, 'ref ref-rate', 'phase 2'],
      [REFERENCES.share, 'ref ref-share', 'share 2/3'],
      [REFERENCES.ratePhase1, 'ref ref-rate', 'phase 1'],
    ])) {
      nodes.push(svg('line', { class: cls, x1: PAD.left, x2: width - PAD.right, y1: y(value), y2: y(value) }));
      const labelY = Math.max(y(value) + 0.35 * em, lowestLabelY + 1.05 * em);
      lowestLabelY = labelY;
      nodes.push(svg('text', { class: `${cls} ref-label`, x: width - PAD.right + 0.35 * em, y: labelY }, label));
    }
    nodes.push(...this.line(share, 'line-share', x, y, em), ...this.line(rate, 'line-rate', x, y, em));
    this.element.replaceChildren(...nodes);
    this.title.textContent = summary(rate, share);
  }

  /**
   * A path with a gap wherever an hour has no value (a stale meter), rather than a made-up bridge.
   * @param {Array<{ atMs: number, value: number | null }>} points
   * @param {string} cls
   * @param {(ms: number) => number} x
   * @param {(v: number) => number} y
   * @param {number} em
   */
  line(points, cls, x, y, em) {
    let d = '';
    let pen = false;
    for (const p of points) {
      if (p.value === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(p.atMs).toFixed(1)},${y(p.value).toFixed(1)}`;
      pen = true;
    }
    const last = points.findLast((p) => p.value !== null);
    const nodes = [svg('path', { class: cls, d })];
    if (last && last.value !== null) nodes.push(svg('circle', { class: cls, cx: x(last.atMs), cy: y(last.value), r: 0.28 * em }));
    return nodes;
  }
}

/**
 * The chart's text alternative.
 * @param {Array<{ value: number | null }>} rate
 * @param {Array<{ value: number | null }>} share
 */
function summary(rate, share) {
  /** @param {Array<{ value: number | null }>} points */
  const describe = (points) => {
    const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
    if (values.length === 0) return 'no data';
    return `latest ${formatPercent(values.at(-1))}, range ${formatPercent(Math.min(...values))} to ${formatPercent(Math.max(...values))}`;
  };
  return `Last 24 hours, hourly. Recycling rate: ${describe(rate)}. Recycled share: ${describe(share)}. References: 55 % and 70 % recycling rate, 2/3 recycled share.`;
}
