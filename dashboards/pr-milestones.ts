// PR milestones dashboard: water saved to date, cumulative tonnage, milestones crossed and the next one
// projected, yearly totals and equivalences, from the daily rollups as the API's milestone report counts.
import { BigValueColorMode, BigValueGraphMode, BigValueTextMode, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarChartPanel } from '@grafana/grafana-foundation-sdk/barchart';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import { dashboardBuilder, localDays, finishPanels } from './common.ts';
import { influxql, targets, type InfluxqlTarget } from './influxql.ts';
import { COLOR, column, lastValue, legend, thresholds, UNIT } from './panel-kit.ts';
import {
  cumulativeTonnes,
  dailyTonnes,
  equivalenceMultiple,
  milestonesCrossed,
  nextMilestone,
  projectedNextMilestone,
  tonnageTerms,
  totalTonnes,
  TRAILING_DAYS,
  trailingRate,
} from './pr-queries.ts';

export const PR_MILESTONES_UID = 'k14-pr-milestones';

export function prMilestonesDashboard(site: SiteConfig): Dashboard {
  const terms = tonnageTerms(site);
  const days = localDays(site.timezone);
  const step = terms.stepTonnes.toLocaleString('en-US');
  const builder = dashboardBuilder({
    uid: PR_MILESTONES_UID,
    title: 'K14 water saved — PR milestones',
    description: 'Recycled water to date in tonnes, milestones crossed and projected, yearly totals and equivalences, from the daily rollups.',
    tags: ['water', 'pr'],
    timeZone: site.timezone,
    from: terms.sinceIso,
    refresh: '5m',
  })
    .withRow(new RowBuilder('To date'))
    .withPanel(totalStat('Water saved to date (t)', `Recycled water since commissioning in tonnes (density ${site.water.densityTonnesPerM3} t/m³) plus the opening balance, to the last rolled-up day.`, totalTonnes(terms), UNIT.locale))
    .withPanel(totalStat('Next milestone (t)', `Milestones fall every ${step} t.`, nextMilestone(terms), UNIT.locale))
    .withPanel(totalStat('Next milestone, projected', `When the next milestone is reached at the rate of the last ${TRAILING_DAYS} days. The API's /api/water/milestones refines crossings to the hour.`, projectedNextMilestone(terms), UNIT.dateTime))
    .withPanel(totalStat(`Rate, last ${TRAILING_DAYS} days (t/day)`, `Recycled tonnes per day over the last ${TRAILING_DAYS} days.`, trailingRate(terms), UNIT.locale))
    .withRow(new RowBuilder('Milestones'))
    .withPanel(
      new TimeseriesPanel()
        .title('Cumulative tonnage')
        .description(`Tonnes saved at the end of each local day since commissioning, opening balance included.`)
        .span(16)
        .height(10)
        .targets(targets(influxql(cumulativeTonnes(terms, days), { alias: 'water saved' })))
        .unit('short')
        .axisLabel('tonnes')
        .min(0)
        .fillOpacity(15)
        .showPoints(VisibilityMode.Never)
        .legend(legend({ calcs: ['lastNotNull'] })),
    )
    .withPanel(
      new TablePanel()
        .title('Milestones crossed')
        .description(`Each ${step} t milestone and the local day it was crossed on (the highest one when a day crossed several).`)
        .span(8)
        .height(10)
        .targets(targets(influxql(milestonesCrossed(terms, days), { format: 'table' })))
        .overrideByName('Time', column('Crossed on', UNIT.date))
        .overrideByName('milestone', [...column('Milestone (t)', UNIT.locale), { id: 'decimals', value: 0 }]),
    )
    .withRow(new RowBuilder('Years and equivalences'))
    .withPanel(
      new BarChartPanel()
        .title('Water saved per year (t)')
        .description(`Recycled tonnes per calendar year (${site.timezone}); the current year so far.`)
        .span(14)
        .height(9)
        .targets(targets(influxql(dailyTonnes(terms, days), { format: 'table' })))
        // Days become years in Grafana: InfluxQL's GROUP BY time() has no calendar years.
        .withTransformation({ id: 'formatTime', options: { timeField: 'Time', outputFormat: 'YYYY', useTimezone: true } })
        .withTransformation({ id: 'groupBy', options: { fields: { Time: { operation: 'groupby', aggregations: [] }, tonnes: { operation: 'aggregate', aggregations: ['sum'] } } } })
        .withTransformation({ id: 'organize', options: { renameByName: { Time: 'Year', 'tonnes (sum)': 'Tonnes' } } })
        .xField('Year')
        .unit(UNIT.locale)
        .decimals(0)
        .showValue(VisibilityMode.Auto)
        .fillOpacity(80)
        .legend(legend()),
    )
    .withPanel(equivalencesPanel(site, terms));
  return finishPanels(builder.build());
}

function totalStat(title: string, description: string, query: string, unit: string): StatPanel {
  return new StatPanel()
    .title(title)
    .description(description)
    .span(6)
    .height(5)
    .targets(targets(influxql(query)))
    .unit(unit)
    .decimals(0)
    .colorMode(BigValueColorMode.None)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(lastValue());
}

function equivalencesPanel(site: SiteConfig, terms: ReturnType<typeof tonnageTerms>): StatPanel {
  const equivalences = site.water.equivalences;
  const queries: InfluxqlTarget[] =
    equivalences.length > 0
      ? equivalences.map((e) => influxql(equivalenceMultiple(terms, e.tonnes), { alias: e.name }))
      : [influxql(totalTonnes(terms), { alias: 'tonnes' })];
  return new StatPanel()
    .title('Equivalences')
    .description(equivalences.length > 0 ? `Water saved to date as multiples of: ${equivalences.map((e) => `${e.name} (${e.tonnes.toLocaleString('en-US')} t)`).join('; ')}.` : 'No equivalences in the site configuration: the total in tonnes.')
    .span(10)
    .height(9)
    .targets(targets(...queries))
    .unit(equivalences.length > 0 ? UNIT.times : UNIT.locale)
    .decimals(1)
    .textMode(BigValueTextMode.ValueAndName)
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .thresholds(thresholds([null, COLOR.info]))
    .reduceOptions(lastValue());
}
