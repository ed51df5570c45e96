// The bench's per-process CPU split: every process's time between two snapshots goes to exactly one
// role (its pid first, then its command name, else "other"), so the split adds up to what was spent.
import { describe, expect, it } from 'vitest';
import { cpuSecondsByRole, cpuSnapshot, type CpuSnapshot } from '../../../bench/fixtures/process-cpu.ts';

const snapshot = (entries: Array<[pid: number, comm: string, seconds: number]>): CpuSnapshot => new Map(entries.map(([pid, comm, seconds]) => [pid, { comm, seconds }]));

describe('cpuSecondsByRole', () => {
  it('gives each process its pid role before its name role, and the rest to "other"', () => {
    const before = snapshot([[10, 'node', 1], [11, 'node', 2], [20, 'mosquitto', 5], [30, 'influxd', 7], [40, 'sshd', 0]]);
    const after = snapshot([[10, 'node', 3], [11, 'node', 2.5], [20, 'mosquitto', 6], [30, 'influxd', 7], [40, 'sshd', 0.25], [50, 'influxd', 1]]);
    expect(cpuSecondsByRole(before, after, { consumer: 10, mosquitto: 'mosquitto', influxd: 'influxd', node: 'node' })).toEqual({
      consumer: 2,
      mosquitto: 1,
      // A process started after the first snapshot counts from zero.
      influxd: 1,
      node: 0.5,
      other: 0.25,
    });
  });
});

describe('cpuSnapshot', () => {
  it('holds this process with its CPU time, which only grows', () => {
    const first = cpuSnapshot().get(process.pid);
    let spin = 0;
    for (let i = 0; i < 5_000_000; i++) spin += i % 7;
    const second = cpuSnapshot().get(process.pid);
    expect(spin).toBeGreaterThan(0);
    expect(first?.comm).toBeTruthy();
    expect(second!.seconds).toBeGreaterThanOrEqual(first!.seconds);
  });
});
