// Heavy fault scenarios (thousands of messages a second, timing conditions) take this lock so that
// vitest's parallel forks run them one at a time on a small machine; light ones run alongside.
// A directory is created atomically; a holder that died (pid gone) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const LOCK_DIR = path.join(tmpdir(), 'k14-faults-load.lock');

export async function acquireLoadLock(timeoutMs = 15 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      if (holderIsGone()) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the fault-load lock ${LOCK_DIR} stayed taken for ${timeoutMs} ms`);
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function holderIsGone(): boolean {
  try {
    const pid = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
