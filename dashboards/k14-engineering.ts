// K14 engineering dashboard: live recycling KPIs against the 55 % / 70 % references, flows per role and
// zone, water-balance gap, meter health and daily totals (DOMAIN.md's KPIs, from readings and rollups).
import { BigValueColorMode, BigValueGraphMode, GraphDrawStyle, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugePanel } from '@grafana/grafana-foundation-sdk/gauge';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { METER_FIELDS, METER_MEASUREMENT, METER_TAGS } from '../core/adapters/influx/schema.ts';
import { QUALITIES } from '../core/domain/readings.ts';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import { dashboardBuilder, localDays, finishPanels, tagVariable } from './common.ts';
import { influxql, targets } from './influxql.ts';
import { COLOR, column, lastValue, legend, thresholds, UNIT, valueMappings } from './panel-kit.ts';
import {
  dailyVolumes,
  flowsByRoleAndZone,
  liveRatio,
  meterHealth,
  metersReporting,
  qualityTimeline,
  rollupCoverage,
  rollupRatio,
  ZONE_VARIABLE,
} from './water-queries.ts';

export const K14_ENGINEERING_UID = 'k14-engineering';

/** The plant's reference levels for both ratios (issue: 55 % minimum, 70 % target). */
const RATIO_REFERENCES = () => thresholds([null, COLOR.bad], [0.55, COLOR.warn], [0.7, COLOR.ok]);
const LIVE_WINDOW = '15m';
const QUALITY_COLORS: Record<(typeof QUALITIES)[number], string> = { good: COLOR.ok, uncertain: COLOR.warn, bad: COLOR.bad };

export function k14EngineeringDashboard(site: SiteConfig): Dashboard {
  const days = localDays(site.timezone);
  const builder = dashboardBuilder({
    uid: K14_ENGINEERING_UID,
    title: 'K14 water recycling — engineering',
    description: 'Live recycling KPIs, flows per role and zone, water balance, meter health and daily totals of the K14 plant.',
    tags: ['water', 'engineering'],
    timeZone: site.timezone,
    from: 'now-6h',
    refresh: '10s',
  })
    .withVariable(tagVariable(ZONE_VARIABLE, 'Zone', METER_MEASUREMENT, METER_TAGS.zone))
    .withRow(new RowBuilder(`Live KPIs (last ${LIVE_WINDOW})`))
    .withPanel(ratioGauge('Recycling rate (plant recovery)', 'recycled ÷ influent from the mean flows of the last 15 minutes, all zones: the plant recovers this share of what the fabs send it.', liveRatio('recyclingRate', { byZone: false })))
    .withPanel(ratioGauge('Recycled share of supply', 'recycled ÷ (recycled + tap) from the mean flows of the last 15 minutes, in the selected zones: the share of the water used that is recycled.', liveRatio('recycledShare', { byZone: true })))
    .withPanel(
      new StatPanel()
        .title('Water-balance gap')
        .description('(influent − recycled − reject) ÷ influent from the mean flows of the last 15 minutes, all zones. Above 2 % points at a leak or a drifting meter.')
        .span(6)
        .height(7)
        .timeFrom(LIVE_WINDOW)
        .targets(targets(influxql(liveRatio('balanceGap', { byZone: false }))))
        .unit(UNIT.ratio)
        .decimals(1)
        .thresholds(thresholds([null, COLOR.ok], [0.02, COLOR.warn], [0.05, COLOR.bad]))
        .colorMode(BigValueColorMode.Background)
        .graphMode(BigValueGraphMode.None)
        .reduceOptions(lastValue()),
    )
    .withPanel(
      new StatPanel()
        .title('Meters reporting')
        .description(`Meters heard from in the last 10 minutes, of the ${site.meters.length} in the site configuration.`)
        .span(6)
        .height(7)
        .timeFrom('10m')
        .targets(targets(influxql(metersReporting())))
        .unit('none')
        .min(0)
        .max(site.meters.length)
        .thresholds(thresholds([null, COLOR.bad], [site.meters.length, COLOR.ok]))
        .colorMode(BigValueColorMode.Background)
        .graphMode(BigValueGraphMode.None)
        .reduceOptions(lastValue()),
    )
    .withRow(new RowBuilder('Flows and water balance'))
    .withPanel(
      new TimeseriesPanel()
        .title('Flow per role and zone')
        .description('Sum of the meters’ mean flow per interval, by role and zone.')
        .span(16)
        .height(9)
        .targets(targets(influxql(flowsByRoleAndZone(), { alias: '$tag_role · $tag_zone' })))
        .unit(UNIT.m3PerHour)
        .min(0)
        .fillOpacity(10)
        .showPoints(VisibilityMode.Never)
        .legend(legend({ table: true, calcs: ['lastNotNull', 'mean', 'max'] })),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Water-balance gap per hour')
        .description('(influent − recycled − reject) ÷ influent from the exact hourly rollup volumes, all zones. Hours are rolled up once they have settled.')
        .span(8)
        .height(9)
        .interval('1h')
        .targets(targets(influxql(rollupRatio('balanceGap', 'hour', { groupBy: 'time($__interval)', tz: '' }, { byZone: false }), { alias: 'balance gap' })))
        .unit(UNIT.ratio)
        .decimals(2)
        .thresholds(thresholds([null, COLOR.ok], [0.02, COLOR.warn], [0.05, COLOR.bad]))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .legend(legend()),
    )
    .withRow(new RowBuilder('Meter health'))
    .withPanel(
      new TablePanel()
        .title('Meters: last reading')
        .description('The newest reading of each meter in the last 24 hours: when it was seen, its quality, flow, totalizer and sequence number.')
        .span(14)
        .height(9)
        .timeFrom('24h')
        .targets(targets(influxql(meterHealth(), { format: 'table' })))
        .withTransformation({
          id: 'organize',
          options: {
            indexByName: { Time: 0, [METER_TAGS.meter]: 1, [METER_TAGS.role]: 2, [METER_TAGS.zone]: 3, [METER_FIELDS.quality]: 4, [METER_FIELDS.flow]: 5, [METER_FIELDS.totalizer]: 6, [METER_FIELDS.seq]: 7 },
          },
        })
        .overrideByName('Time', column('Last seen', UNIT.ago))
        .overrideByName(METER_TAGS.meter, column('Meter'))
        .overrideByName(METER_TAGS.role, column('Role'))
        .overrideByName(METER_TAGS.zone, column('Zone'))
        .overrideByName(METER_FIELDS.quality, [...column('Quality'), { id: 'mappings', value: qualityMappings() }, { id: 'custom.cellOptions', value: { type: 'color-text' } }])
        .overrideByName(METER_FIELDS.flow, column('Flow', UNIT.m3PerHour))
        .overrideByName(METER_FIELDS.totalizer, column('Totalizer', UNIT.m3))
        .overrideByName(METER_FIELDS.seq, column('Seq', 'none')),
    )
    .withPanel(
      new StateTimelinePanel()
        .title('Reading quality')
        .description('Quality each meter reported, per interval (the newest of the interval).')
        .span(10)
        .height(9)
        .targets(targets(influxql(qualityTimeline(), { alias: '$tag_meter' })))
        .mappings(qualityMappings())
        .showValue(VisibilityMode.Never)
        .legend(legend()),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Hourly rollup coverage')
        .description('Share of each hour covered by readings no further apart than the coverage gap. Below 100 % the hour’s volume is partly interpolated or missing.')
        .span(24)
        .height(7)
        .interval('1h')
        .targets(targets(influxql(rollupCoverage(), { alias: '$tag_meter' })))
        .unit(UNIT.percent)
        .min(0)
        .max(100)
        .legend(legend()),
    )
    .withRow(new RowBuilder('Daily totals (last 30 days)'))
    .withPanel(
      new TimeseriesPanel()
        .title('Daily volume per role')
        .description(`Volume per local day (${site.timezone}) and role from the daily rollups, in the selected zones.`)
        .span(14)
        .height(9)
        .timeFrom('30d')
        .targets(targets(influxql(dailyVolumes(days), { alias: '$tag_role' })))
        .unit(UNIT.m3)
        .drawStyle(GraphDrawStyle.Bars)
        .fillOpacity(80)
        .legend(legend({ table: true, calcs: ['mean', 'sum'] })),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Daily KPIs')
        .description('Recycling rate (all zones) and recycled share (selected zones) per local day from the daily rollups; dashed lines at 55 % and 70 %.')
        .span(10)
        .height(9)
        .timeFrom('30d')
        .targets(
          targets(
            influxql(rollupRatio('recyclingRate', 'day', days, { byZone: false }), { alias: 'recycling rate' }),
            influxql(rollupRatio('recycledShare', 'day', days, { byZone: true }), { alias: 'recycled share' }),
          ),
        )
        .unit(UNIT.ratio)
        .min(0)
        .max(1)
        .thresholds(RATIO_REFERENCES())
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .showPoints(VisibilityMode.Always)
        .legend(legend({ calcs: ['mean'] })),
    );
  return finishPanels(builder.build());
}

function ratioGauge(title: string, description: string, query: string): GaugePanel {
  return new GaugePanel()
    .title(title)
    .description(description)
    .span(6)
    .height(7)
    .timeFrom(LIVE_WINDOW)
    .targets(targets(influxql(query)))
    .unit(UNIT.ratio)
    .decimals(1)
    .min(0)
    .max(1)
    .thresholds(RATIO_REFERENCES())
    .showThresholdMarkers(true)
    .showThresholdLabels(true)
    .reduceOptions(lastValue());
}

function qualityMappings() {
  return valueMappings(Object.fromEntries(QUALITIES.map((quality) => [quality, { text: quality, color: QUALITY_COLORS[quality] }])));
}
