// Cleanroom dashboard: particle concentration per room and channel against the site's alert and action
// levels (ISO 14644-1), ISA-18.2 alarm states, annotations and audit trail, and counter health.
import { BarGaugeDisplayMode, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { AnnotationQueryBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { STATE_CODES, TRANSITION_FIELDS, TRANSITION_TAGS } from '../core/adapters/influx-alarms/alarm-schema.ts';
import { PARTICLE_FIELDS, PARTICLE_MEASUREMENT, PARTICLE_TAGS } from '../core/adapters/influx/schema.ts';
import { ALARM_STATES, type AlarmState } from '../core/domain/cleanroom/alarm-types.ts';
import { SIZE_CHANNELS, type SizeChannel } from '../core/domain/readings.ts';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import { formatPerM3, levelGroups, levelLabel } from './cleanroom-levels.ts';
import {
  alarmAnnotations,
  alarmStates,
  alarmTransitions,
  ANNOTATION_COLUMNS,
  concentration,
  countersLastSeen,
  levelLine,
  ROOM_VARIABLE,
  samplesPerCounter,
} from './cleanroom-queries.ts';
import { dashboardBuilder, finishPanels, tagVariable } from './common.ts';
import { annotationTarget, INFLUX_DATASOURCE, influxql, targets } from './influxql.ts';
import { COLOR, column, lastValue, legend, referenceLine, thresholds, UNIT, valueMappings } from './panel-kit.ts';

export const CLEANROOM_UID = 'k14-cleanroom';

const STATE_LOOK: Record<AlarmState, { text: string; color: string }> = {
  normal: { text: 'normal', color: COLOR.ok },
  'active-unacknowledged': { text: 'active, unacknowledged', color: COLOR.bad },
  'active-acknowledged': { text: 'active, acknowledged', color: COLOR.warn },
  'cleared-unacknowledged': { text: 'cleared, unacknowledged', color: COLOR.pending },
  shelved: { text: 'shelved', color: COLOR.shelved },
};

export function cleanroomDashboard(site: SiteConfig): Dashboard {
  const builder = dashboardBuilder({
    uid: CLEANROOM_UID,
    title: 'Cleanroom particles and alarms',
    description: 'Particle concentration per room and size channel against the alert and action levels, alarm states and audit trail, counter health.',
    tags: ['cleanroom'],
    timeZone: site.timezone,
    from: 'now-6h',
    refresh: '10s',
  })
    .withVariable(tagVariable(ROOM_VARIABLE, 'Room', PARTICLE_MEASUREMENT, PARTICLE_TAGS.room))
    .annotation(
      new AnnotationQueryBuilder()
        .name('Alarm transitions')
        .datasource(INFLUX_DATASOURCE)
        .enable(true)
        .iconColor(COLOR.bad)
        .target(annotationTarget(alarmAnnotations(), ANNOTATION_COLUMNS)),
    )
    .withRow(new RowBuilder('Concentration against alert and action levels'));
  for (const channel of SIZE_CHANNELS) builder.withPanel(concentrationPanel(site, channel));
  builder
    .withRow(new RowBuilder('Alarms'))
    .withPanel(
      new StateTimelinePanel()
        .title('Alarm states')
        .description('ISA-18.2 state of every alarm key (room, counter, excursion channel or stale), from each transition until the next.')
        .span(24)
        .height(8)
        .targets(targets(influxql(alarmStates(), { alias: '$tag_room · $tag_counter · $tag_kind $tag_channel' })))
        .mappings(valueMappings(Object.fromEntries(ALARM_STATES.map((state) => [String(STATE_CODES[state]), STATE_LOOK[state]]))))
        .showValue(VisibilityMode.Never)
        .legend(legend()),
    )
    .withPanel(
      new TablePanel()
        .title('Alarm transitions')
        .description('The audit trail, newest first: who or what moved which alarm from which state to which, with the concentration and level behind it.')
        .span(24)
        .height(9)
        .targets(targets(influxql(alarmTransitions(200), { format: 'table' })))
        .overrideByName('Time', column('At', UNIT.dateTime))
        .overrideByName(TRANSITION_FIELDS.concentrationPerM3, column('Concentration', UNIT.perM3))
        .overrideByName(TRANSITION_FIELDS.levelPerM3, column('Level', UNIT.perM3))
        .overrideByName(TRANSITION_TAGS.toState, [...column('To'), { id: 'custom.cellOptions', value: { type: 'color-text' } }, { id: 'mappings', value: stateNameMappings() }]),
    )
    .withRow(new RowBuilder('Counters'))
    .withPanel(
      new TablePanel()
        .title('Counters: last sample')
        .description('When each counter was last heard from in the last 24 hours, with its sampled volume and sequence number.')
        .span(12)
        .height(8)
        .timeFrom('24h')
        .targets(targets(influxql(countersLastSeen(), { format: 'table' })))
        .overrideByName('Time', column('Last seen', UNIT.ago))
        .overrideByName(PARTICLE_TAGS.room, column('Room'))
        .overrideByName(PARTICLE_TAGS.counter, column('Counter'))
        .overrideByName(PARTICLE_FIELDS.volume, column('Volume', 'litre'))
        .overrideByName(PARTICLE_FIELDS.seq, column('Seq', 'none')),
    )
    .withPanel(samplesPanel(site));
  return finishPanels(builder.build());
}

function concentrationPanel(site: SiteConfig, channel: SizeChannel): TimeseriesPanel {
  const groups = levelGroups(site, channel);
  const levels = groups.map((g) => `${g.roomId} (ISO ${g.isoClass}) ${g.level} ${formatPerM3(g.perM3)}`).join('; ');
  return new TimeseriesPanel()
    .title(`≥${channel} µm`)
    .description(`Highest concentration per interval, particles/m³ at or above ${channel} µm. ${levels === '' ? 'No alert or action level is set at this size.' : `Levels: ${levels}.`}`)
    .span(12)
    .height(9)
    .targets(targets(influxql(concentration(channel), { alias: '$tag_room · $tag_counter' }), ...groups.map((g) => influxql(levelLine(channel, g), { alias: levelLabel(g) }))))
    .unit(UNIT.perM3)
    .min(0)
    .showPoints(VisibilityMode.Never)
    .overrideByRegexp('/ alert$/', referenceLine(COLOR.warn))
    .overrideByRegexp('/ action$/', referenceLine(COLOR.bad))
    .legend(legend({ calcs: ['max', 'lastNotNull'] }));
}

/** Samples per counter in the last hour; with one sampling interval across the site, against the expected count. */
function samplesPanel(site: SiteConfig): BarGaugePanel {
  const intervals = new Set(site.rooms.flatMap((room) => room.counters.map((c) => c.sampleIntervalSeconds)));
  const [interval] = intervals;
  const panel = new BarGaugePanel()
    .title('Samples in the last hour')
    .description('Samples received per counter in the last hour. A counter that falls silent raises a stale alarm in the API.')
    .span(12)
    .height(8)
    .timeFrom('1h')
    .targets(targets(influxql(samplesPerCounter(), { alias: '$tag_room · $tag_counter' })))
    .displayMode(BarGaugeDisplayMode.Basic)
    .reduceOptions(lastValue())
    .unit('none')
    .min(0);
  if (intervals.size !== 1 || interval === undefined) return panel;
  const expected = Math.floor(3600 / interval);
  return panel.max(expected).thresholds(thresholds([null, COLOR.bad], [Math.floor(expected * 0.5), COLOR.warn], [Math.floor(expected * 0.9), COLOR.ok]));
}

function stateNameMappings() {
  return valueMappings(Object.fromEntries(ALARM_STATES.map((state) => [state, STATE_LOOK[state]])));
}
