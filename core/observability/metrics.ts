// A small Prometheus text-format registry (exposition format 0.0.4): counters with labels and gauges
// read on scrape, enough for ingest and API without a client library on the hot path.

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  samples(): Array<{ labels: Labels; value: number }>;
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }
  samples(): Array<{ labels: Labels; value: number }> {
    return [...this.values.values()];
  }
}

export class MetricsRegistry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Counter {
    const counter = new Counter();
    this.families.push({ name, help, type: 'counter', samples: () => counter.samples() });
    return counter;
  }

  /** A gauge whose value is read when scraped. */
  gauge(name: string, help: string, read: () => number | Array<{ labels: Labels; value: number }>): void {
    this.families.push({
      name,
      help,
      type: 'gauge',
      samples: () => {
        const value = read();
        return typeof value === 'number' ? [{ labels: {}, value }] : value;
      },
    });
  }

  render(): string {
    const lines: string[] = [];
    for (const family of this.families) {
      lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
      for (const { labels, value } of family.samples()) lines.push(`${family.name}${formatLabels(labels)} ${value}`);
    }
    return lines.join('\n') + '\n';
  }
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${escape(labels[k]!)}"`).join(',')}}`;
}
