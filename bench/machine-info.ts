// What the figures were measured on: CPU, memory, OS, Node.js and the broker and database versions,
// written into every result file so two runs are only compared like for like.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { findExecutable } from '../test/harness/managed-process.ts';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly mosquitto: string;
  readonly influxd: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // `mosquitto -h` prints "mosquitto version 2.0.11" and exits 3; `influxd version` "InfluxDB v1.6.7~rc0 (…)".
    mosquitto: await versionLine('mosquitto', ['-h'], /version\s+(\S+)/),
    influxd: await versionLine('influxd', ['version'], /InfluxDB\s+v?(\S+)/),
  };
}

function versionLine(name: string, args: string[], pattern: RegExp): Promise<string> {
  const executable = findExecutable(name);
  if (executable === undefined) return Promise.resolve('not installed');
  return new Promise((resolve) => {
    execFile(executable, args, { timeout: 5_000 }, (_error, stdout, stderr) => {
      resolve(pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? 'unknown');
    });
  });
}
