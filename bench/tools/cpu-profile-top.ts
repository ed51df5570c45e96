// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time by function and
// by file (node_modules collapsed to their package), so a missed target points at code, not a hunch.
// usage: npx tsx bench/tools/cpu-profile-top.ts <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function isProfile(value: unknown): value is CpuProfile {
  return typeof value === 'object' && value !== null && 'nodes' in value && 'samples' in value && 'timeDeltas' in value;
}

/** node_modules/<pkg>/… → <pkg>; our own files relative to the repo; node internals as they are. */
function fileOf(url: string): string {
  if (url === '') return '(native / vm)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `npm:${modules[1]}`;
  const ours = /\/(api|core|ingest|simulators|scripts|bench|test)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url.replace(/^file:\/\//, '');
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return byNode;
}

function top(entries: Map<string, number>, totalUs: number, count: number): string[] {
  return [...entries.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${name}`);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const file = positionals[0];
  if (file === undefined) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [--top 25]');
  const profile: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isProfile(profile)) throw new Error(`${file} is not a V8 CPU profile`);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  // A native function (better-sqlite3's `all`, a socket `writev`) means little without who called it.
  const label = (id: number): string => {
    const frame = nodes.get(id)!.callFrame;
    const own = `${frame.functionName || '(anonymous)'}  ${fileOf(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    if (frame.url !== '' || frame.functionName.startsWith('(')) return own;
    const caller = parents.get(id)?.callFrame;
    return caller ? `${frame.functionName} ← ${caller.functionName || '(anonymous)'}  ${fileOf(caller.url)}:${caller.lineNumber + 1}` : own;
  };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfTimes(profile)) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    const where = fileOf(frame.url);
    const name = label(id);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
  }
  const count = Number(values.top);
  const lines = [`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled`, '', 'self time by function:', ...top(byFunction, totalUs, count), '', 'self time by file or package:', ...top(byFile, totalUs, count)];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
