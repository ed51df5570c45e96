// What every fault scenario hands back: what was injected, the figures measured, and the pass
// conditions with their outcome. The *.test.ts files assert on it; run.ts prints it as a table.

export interface Check {
  readonly what: string;
  readonly pass: boolean;
  readonly detail: string;
}

export interface ScenarioReport {
  readonly name: string;
  readonly injected: string;
  readonly figures: Record<string, number | string>;
  readonly checks: Check[];
  readonly wallMs: number;
}

export class ReportBuilder {
  readonly figures: Record<string, number | string> = {};
  readonly checks: Check[] = [];
  private readonly startedAt = Date.now();
  injected = '';

  constructor(readonly name: string) {}

  figure(name: string, value: number | string): void {
    this.figures[name] = typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1e6) / 1e6 : value;
  }

  check(what: string, pass: boolean, detail: string | number): void {
    this.checks.push({ what, pass, detail: String(detail) });
  }

  build(): ScenarioReport {
    return { name: this.name, injected: this.injected, figures: { ...this.figures }, checks: [...this.checks], wallMs: Date.now() - this.startedAt };
  }
}

export function formatReport(report: ScenarioReport): string {
  const lines = [`── ${report.name} (${Math.round(report.wallMs / 1000)} s) ── injected: ${report.injected}`];
  lines.push(`   figures: ${Object.entries(report.figures).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  for (const check of report.checks) lines.push(`   ${check.pass ? 'PASS' : 'FAIL'}  ${check.what}: ${check.detail}`);
  return lines.join('\n');
}

export function failedChecks(report: ScenarioReport): string[] {
  return report.checks.filter((c) => !c.pass).map((c) => `${c.what}: ${c.detail}`);
}
