// Small builders the dashboards repeat: thresholds, value mappings, reducers, legends and the field
// overrides that draw alert/action level series as dashed lines.
import { LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import {
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type DynamicConfigValue,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** [from value, colour]; the first step's value is null (everything below the next step). */
export function thresholds(...steps: readonly (readonly [number | null, string])[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([value, color]) => ({ value, color })));
}

/** Exact values shown as text in a colour: qualities, alarm states. */
export function valueMappings(map: Readonly<Record<string, { readonly text: string; readonly color: string }>>): ValueMapping[] {
  const options = Object.fromEntries(Object.entries(map).map(([value, result], index) => [value, { ...result, index }]));
  return [{ type: MappingType.ValueToText, options }];
}

/** A stat or gauge shows the newest non-null value of each series. */
export function lastValue(): ReduceDataOptionsBuilder {
  return new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields('');
}

export function legend(options: { table?: boolean; calcs?: string[] } = {}): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(options.table === true ? LegendDisplayMode.Table : LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom)
    .calcs(options.calcs ?? []);
}

/** A reference series (a level, a target) as a thin dashed line in a fixed colour, never filled. */
export function referenceLine(color: string): DynamicConfigValue[] {
  return [
    { id: 'color', value: { mode: 'fixed', fixedColor: color } },
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'custom.lineWidth', value: 1 },
    { id: 'custom.fillOpacity', value: 0 },
    { id: 'custom.showPoints', value: 'never' },
  ];
}

/** Field display name and unit for a table column. */
export function column(displayName: string, unit?: string): DynamicConfigValue[] {
  return [{ id: 'displayName', value: displayName }, ...(unit === undefined ? [] : [{ id: 'unit', value: unit }])];
}

/** Grafana's custom-unit syntax: the text after "suffix:" follows the number as written. */
export const UNIT = {
  m3: 'suffix: m³',
  m3PerHour: 'suffix: m³/h',
  /** Thousands separators, for tonnages quoted in press releases. */
  locale: 'locale',
  perM3: 'suffix: /m³',
  times: 'suffix: ×',
  ratio: 'percentunit',
  percent: 'percent',
  ago: 'dateTimeFromNow',
  date: 'time: YYYY-MM-DD',
  dateTime: 'dateTimeAsIso',
} as const;

/** Grafana's named colours, so the palette stays consistent across dashboards. */
export const COLOR = { ok: 'green', warn: 'orange', bad: 'red', info: 'blue', muted: 'text', shelved: 'purple', pending: 'yellow' } as const;
