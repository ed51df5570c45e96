// A progress bar with an ETA for long command-line jobs: redrawn in place on a terminal, a line
// every 10 % otherwise (CI logs).
import type { Writable } from 'node:stream';

export function progressBar(out: Writable & { isTTY?: boolean }) {
  const started = Date.now();
  let lastDecile = -1;
  let lastStage = '';
  return {
    update: (stage: string, done: number, total: number) => {
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const elapsed = (Date.now() - started) / 1000;
      const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
      const text = `${stage.padEnd(9)} [${'#'.repeat(Math.round(fraction * 30)).padEnd(30)}] ${(fraction * 100).toFixed(1).padStart(5)} %  ETA ${eta.toFixed(0)} s`;
      if (out.isTTY) out.write(`\r${text}`);
      else if (Math.floor(fraction * 10) !== lastDecile || stage !== lastStage) out.write(`${text}\n`);
      lastDecile = Math.floor(fraction * 10);
      lastStage = stage;
    },
    done: () => {
      if (out.isTTY) out.write('\n');
    },
  };
}
