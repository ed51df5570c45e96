// With --cpu-prof, sections profile just their measured part of this process (the servers under test)
// through the inspector, so set-up such as a backfill stays out of the profile. V8 .cpuprofile files
// go to bench/results/profiles/; read them with bench/tools/cpu-profile-top.ts or Chrome DevTools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export interface CpuProfiler {
  /** Runs `work`; when profiling is on, writes `<name>.cpuprofile` of this process meanwhile. */
  profile<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Node flags that make a child process profile itself into `<name>.cpuprofile` until it exits. */
  childArgs(name: string): string[];
  /** The files written so far. */
  readonly files: readonly string[];
}

export function createCpuProfiler(enabled: boolean, log: (message: string) => void): CpuProfiler {
  const files: string[] = [];
  const dir = fileURLToPath(new URL('./results/profiles/', import.meta.url));
  let session: Session | undefined;
  return {
    files,
    childArgs(name) {
      if (!enabled) return [];
      // A folder per child: node writes one profile per thread (tsx adds a loader thread) under
      // default names; the main thread's is the largest file.
      const childDir = `${dir}${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
      mkdirSync(childDir, { recursive: true });
      files.push(childDir);
      return ['--cpu-prof', `--cpu-prof-dir=${childDir}`, '--cpu-prof-interval=200'];
    },
    async profile(name, work) {
      // Nested or concurrent profiles share one session; only the outermost records.
      if (!enabled || session) return work();
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        session = undefined;
        mkdirSync(dir, { recursive: true });
        const file = `${dir}${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.cpuprofile`;
        writeFileSync(file, JSON.stringify(profile));
        files.push(file);
        log(`cpu profile written: ${file}`);
      }
    },
  };
}
