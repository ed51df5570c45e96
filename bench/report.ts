// The bench's output: one plain-text table of every figure (median, min, max, target, met or missed)
// and a JSON result file under bench/results/, timestamped, with latest.json beside it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Figure } from './bench-types.ts';
import type { MachineInfo } from './machine-info.ts';

export interface BenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationS: number;
  readonly mode: 'full' | 'quick';
  readonly sections: readonly string[];
  /** Written with --cpu-prof (whose overhead is then in the figures). */
  readonly cpuProfiles: readonly string[];
  readonly machine: MachineInfo;
  readonly figures: readonly Figure[];
  readonly failures: readonly { section: string; error: string }[];
  readonly details: Record<string, Record<string, unknown>>;
}

function formatNumber(value: number | null, unit: string): string {
  // A number that crossed the IPC channel as NaN arrives as null.
  if (value === null || !Number.isFinite(value)) return '–';
  if (unit === 'ms') return value < 10 ? value.toFixed(2) : value.toFixed(1);
  if (unit === 's') return value.toFixed(1);
  if (unit === '×') return value.toFixed(2);
  return Math.round(value).toLocaleString('en-US');
}

function resultOf(figure: Figure): string {
  if (figure.baseline) return 'baseline';
  if (figure.met === undefined) return '';
  return figure.met ? 'met' : 'MISSED';
}

export function formatTable(result: BenchResult): string {
  const header = ['section', 'figure', 'unit', 'median', 'min', 'max', 'runs', 'target', 'result'];
  const rows = result.figures.map((f) => [
    f.section,
    f.name,
    f.unit,
    formatNumber(f.median, f.unit),
    formatNumber(f.min, f.unit),
    formatNumber(f.max, f.unit),
    String(f.samples.length),
    f.target ? `${f.target.op} ${formatNumber(f.target.value, f.unit)}` : '',
    resultOf(f),
  ]);
  const numeric = new Set([3, 4, 5, 6]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const m = result.machine;
  const lines = [
    `K14 bench (${result.mode}), ${result.startedAt}, ${result.durationS.toFixed(0)} s — ${m.cpuCount} × ${m.cpuModel}, ${m.totalMemoryGiB} GiB, node ${m.node}, mosquitto ${m.mosquitto}, influxd ${m.influxd}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  const notes = result.figures.filter((f) => f.note).map((f) => `  ${f.section} / ${f.name}: ${f.note}`);
  if (notes.length) lines.push('', 'notes:', ...notes);
  if (result.cpuProfiles.length) lines.push('', 'profiled run (--cpu-prof): figures include the profiler\'s overhead', ...result.cpuProfiles.map((f) => `  ${f}`));
  for (const failure of result.failures) lines.push('', `section ${failure.section} FAILED: ${failure.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the result file and latest.json; returns the timestamped file's path. A profiled run's
 * figures carry the profiler's cost, so it gets its own suffix and leaves latest.json alone.
 */
export function writeResult(result: BenchResult): string {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
  const profiled = result.cpuProfiles.length > 0;
  const file = `${dir}${result.startedAt.replace(/[:.]/g, '-')}${result.mode === 'quick' ? '-quick' : ''}${profiled ? '-profiled' : ''}.json`;
  writeFileSync(file, json);
  if (!profiled) writeFileSync(`${dir}latest.json`, json);
  return file;
}
