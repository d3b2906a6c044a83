/**
 * A minimal Prometheus registry: counters with labels and gauges read at scrape time,
 * rendered in the text exposition format at GET /metrics.
 */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();

  counter(name: string, help: string): (labels?: Record<string, string>, by?: number) => void {
    const counter = { help, values: new Map<string, number>() };
    this.counters.set(name, counter);
    return (labels = {}, by = 1) => {
      const key = Object.entries(labels)
        .map(([label, value]) => `${label}="${value.replace(/["\\\n]/g, '_')}"`)
        .join(',');
      counter.values.set(key, (counter.values.get(key) ?? 0) + by);
    };
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of values) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    for (const [name, { help, read }] of this.gauges) lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${read()}`);
    return `${lines.join('\n')}\n`;
  }
}
