// Waits for the machine to go quiet before a measurement: influxd compacts for a while after a large
// write, and on a small machine that would land in whichever figure comes next.
import os from 'node:os';

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/**
 * Resolves once machine-wide CPU use over one second is below `maxBusyFraction`, or after `timeoutMs`.
 * Answers how long it waited and the last busy fraction seen.
 */
export async function waitForQuietCpu(maxBusyFraction = 0.15, timeoutMs = 60_000): Promise<{ waitedMs: number; busyFraction: number }> {
  const started = performance.now();
  for (;;) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = cpuTimes();
    const busyFraction = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    const waitedMs = performance.now() - started;
    if (busyFraction < maxBusyFraction || waitedMs >= timeoutMs) return { waitedMs, busyFraction };
  }
}
