// InfluxQL of the PR milestones dashboard, all on the daily rollups of the recycled meters: tonnes =
// volume × density + the opening balance, as the API's milestone report counts them.
import { ROLLUP_FIELDS, ROLLUP_MEASUREMENT, ROLLUP_TAGS } from '../core/adapters/influx/schema.ts';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import { ident, RANGE_END, stringLiteral, tagIs } from './influxql.ts';
import type { Buckets } from './water-queries.ts';

/** As the API's milestone report: the trailing rate that projects the next milestone. */
export const TRAILING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TonnageTerms {
  /** RFC 3339, UTC: the first day counted. */
  readonly sinceIso: string;
  readonly densityTonnesPerM3: number;
  readonly openingTonnes: number;
  readonly stepTonnes: number;
}

export function tonnageTerms(site: SiteConfig): TonnageTerms {
  const { densityTonnesPerM3, openingBalanceM3, milestoneStepTonnes } = site.water;
  return {
    sinceIso: new Date(Date.parse(site.commissionedAt)).toISOString(),
    densityTonnesPerM3,
    openingTonnes: openingBalanceM3 * densityTonnesPerM3,
    stepTonnes: milestoneStepTonnes,
  };
}

const M3 = ident(ROLLUP_FIELDS.volumeM3);
const FROM_RECYCLED_DAYS = `FROM ${ident(ROLLUP_MEASUREMENT)} WHERE ${tagIs(ROLLUP_TAGS.period, 'day')} AND ${tagIs(ROLLUP_TAGS.role, 'recycled')}`;

/** From commissioning to the range end, whatever the range start: totals must not restart on zoom. */
function sinceCommissioning(terms: TonnageTerms): string {
  return `time >= ${stringLiteral(terms.sinceIso)} AND time <= ${RANGE_END}`;
}

function trailingWindow(): string {
  return `time > ${RANGE_END} - ${TRAILING_DAYS}d AND time <= ${RANGE_END}`;
}

/** `expression` (m³) as tonnes including the opening balance. */
function tonnes(m3Expression: string, terms: TonnageTerms): string {
  return `(${m3Expression} * ${terms.densityTonnesPerM3} + ${terms.openingTonnes})`;
}

export function totalTonnes(terms: TonnageTerms): string {
  return `SELECT ${tonnes(`sum(${M3})`, terms)} AS "tonnes" ${FROM_RECYCLED_DAYS} AND ${sinceCommissioning(terms)}`;
}

export function nextMilestone(terms: TonnageTerms): string {
  return `SELECT (floor(${tonnes(`sum(${M3})`, terms)} / ${terms.stepTonnes}) + 1) * ${terms.stepTonnes} AS "next" ${FROM_RECYCLED_DAYS} AND ${sinceCommissioning(terms)}`;
}

export function trailingRate(terms: TonnageTerms): string {
  return `SELECT sum(${M3}) * ${terms.densityTonnesPerM3} / ${TRAILING_DAYS} AS "tonnes_per_day" ${FROM_RECYCLED_DAYS} AND ${trailingWindow()}`;
}

/**
 * When the next milestone falls at the trailing rate, in epoch ms: the range end plus the missing
 * tonnes over the rate. Two subqueries in FROM give the total and the trailing sum in one statement.
 */
export function projectedNextMilestone(terms: TonnageTerms): string {
  const total = tonnes('sum("total")', terms);
  const perMs = `(sum("recent") * ${terms.densityTonnesPerM3} / ${TRAILING_DAYS * DAY_MS})`;
  const next = `(floor(${total} / ${terms.stepTonnes}) + 1) * ${terms.stepTonnes}`;
  return `SELECT \${__to} + (${next} - ${total}) / ${perMs} AS "projected"
    FROM (SELECT sum(${M3}) AS "total" ${FROM_RECYCLED_DAYS} AND ${sinceCommissioning(terms)}),
         (SELECT sum(${M3}) AS "recent" ${FROM_RECYCLED_DAYS} AND ${trailingWindow()})`;
}

/** Cumulative tonnes at the end of each local day. */
export function cumulativeTonnes(terms: TonnageTerms, days: Buckets): string {
  return `SELECT ${tonnes(`cumulative_sum(sum(${M3}))`, terms)} AS "tonnes" ${FROM_RECYCLED_DAYS} AND ${sinceCommissioning(terms)}
    GROUP BY ${days.groupBy} fill(none)${days.tz}`;
}

/**
 * The day each milestone was crossed. With k = floor(tonnes ÷ step), a day crossed milestones when
 * d = Δk > 0; the highest one crossed is k itself, which InfluxQL (no lag function) recovers as
 * (Δk² ÷ Δk + Δk) ÷ 2, since Δ(k²) = Δk × (2k − Δk). Milestones covered by the opening balance
 * before the first day are not crossings.
 */
export function milestonesCrossed(terms: TonnageTerms, days: Buckets): string {
  const k = `floor("tonnes" / ${terms.stepTonnes})`;
  const perDay = `SELECT ${k} AS "k", ${k} * ${k} AS "k2" FROM (${cumulativeTonnes(terms, days)})`;
  const steps = `SELECT difference("k") AS "dk", difference("k2") AS "dk2" FROM (${perDay})`;
  return `SELECT (("dk2" / "dk") + "dk") / 2 * ${terms.stepTonnes} AS "milestone" FROM (${steps}) WHERE "dk" > 0`;
}

/** Tonnes per local day (without the opening balance), grouped into years by the panel. */
export function dailyTonnes(terms: TonnageTerms, days: Buckets): string {
  return `SELECT sum(${M3}) * ${terms.densityTonnesPerM3} AS "tonnes" ${FROM_RECYCLED_DAYS} AND ${sinceCommissioning(terms)}
    GROUP BY ${days.groupBy} fill(none)${days.tz}`;
}

/** Total tonnes as a multiple of an equivalence ("one month of a city's water"). */
export function equivalenceMultiple(terms: TonnageTerms, equivalenceTonnes: number): string {
  return `SELECT ${tonnes(`sum(${M3})`, terms)} / ${equivalenceTonnes} AS "multiple" ${FROM_RECYCLED_DAYS} AND ${sinceCommissioning(terms)}`;
}
