// A real Mosquitto 2.0 broker for integration tests: own config, free port and temp dir, removed on
// stop(). Tests that need a broker fail loudly when mosquitto is missing; they never skip.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { createManagedProcess, findExecutable, type ManagedProcess } from './managed-process.ts';
import { acceptsConnections } from './tcp-probe.ts';

const PORT_ATTEMPTS = 3;

export interface MosquittoOptions {
  /** Keep sessions and queued messages across restart() (saved on SIGTERM, not on SIGKILL). */
  readonly persistence?: boolean;
  /** Appended to the generated mosquitto.conf, e.g. "autosave_interval 1". */
  readonly extraConfig?: string;
}

export interface RunningMosquitto {
  /** mqtt://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  /** Where persistence (mosquitto.db) lives. */
  readonly dataDir: string;
  /** Stops the broker for good and removes its temp dir. */
  stop(): Promise<void>;
  /** Sends a signal; SIGSTOP/SIGCONT pause and resume, any other resolves once the broker has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the broker again after kill(), same port and data dir; no-op while running. */
  start(): Promise<void>;
  /** SIGTERM (the broker saves its persistence) then start again on the same port and data dir. */
  restart(): Promise<void>;
  /** The broker's recent log lines, for assertion messages. */
  outputTail(): string;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<RunningMosquitto> {
  const executable = findExecutable('mosquitto');
  if (executable === undefined) throw new Error('mosquitto is not installed: run bash scripts/ensure-system-deps.sh');
  const root = await mkdtemp(join(tmpdir(), 'k14-mosquitto-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  try {
    const { port, broker } = await startOnFreePort(executable, root, dataDir, options);
    return {
      url: `mqtt://127.0.0.1:${port}`,
      port,
      dataDir,
      stop: async () => {
        await broker.stop();
        await rm(root, { recursive: true, force: true });
      },
      kill: (signal) => broker.kill(signal),
      start: () => broker.start(),
      restart: async () => {
        await broker.stop();
        await broker.start();
      },
      outputTail: () => broker.outputTail(),
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function startOnFreePort(
  executable: string,
  root: string,
  dataDir: string,
  options: MosquittoOptions,
): Promise<{ port: number; broker: ManagedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = join(root, 'mosquitto.conf');
    await writeFile(configFile, mosquittoConfig(port, dataDir, options));
    const broker = createManagedProcess({
      name: 'mosquitto',
      executable,
      args: ['-c', configFile],
      cwd: root,
      // "running" is logged only once every listener is bound, so a broker of another test that
      // took this port first cannot pass for ours.
      isReady: async (_pid, output) => output.includes(' running') && (await acceptsConnections(port)),
    });
    try {
      await broker.start();
      return { port, broker };
    } catch (error) {
      const portTaken = broker.outputTail().includes('Address already in use');
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

function mosquittoConfig(port: number, dataDir: string, options: MosquittoOptions): string {
  return [
    '# Written by test/harness/mosquitto.ts for one test run.',
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    // Run as whoever runs the tests: as root, mosquitto would otherwise drop to the "mosquitto"
    // user, which cannot write the persistence file into our private temp dir.
    `user ${userInfo().username}`,
    'max_queued_messages 1000000',
    'max_inflight_messages 1000',
    `persistence ${options.persistence === true ? 'true' : 'false'}`,
    `persistence_location ${dataDir}/`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages false',
    options.extraConfig ?? '',
    '',
  ].join('\n');
}
