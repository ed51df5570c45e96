// docker-compose.yml against the vendored Compose Specification schema, then what the stack needs beyond
// syntax: health, restarts, variables with values, app-config-valid environments, mounts and entry points.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/app-config.ts';
import { loadSiteConfig } from '../../../core/config/load-site.ts';
import { identitiesFor } from '../../../core/domain/mqtt-access/identities.ts';
import { INGEST_NODE_FLAGS } from '../../../ingest/node-flags.ts';
import { readText, readYaml, REPO, schemaErrors } from './repo-files.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}

const compose = readYaml('docker-compose.yml') as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);
const NODE_SERVICES = ['ingest', 'api', 'simulator'] as const;
const ONE_SHOT = new Set(['mqtt-auth']);

/** .env.example as Compose would read .env: KEY=value lines. */
const dotenv = Object.fromEntries(
  readText('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is a $. */
function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const value = env[name ?? ''];
    const unsetOrEmpty = value === undefined || (op?.startsWith(':') === true && value === '');
    if (op?.endsWith('-') === true && unsetOrEmpty) return arg ?? '';
    if (op?.endsWith('?') === true && unsetOrEmpty) throw new Error(`${name}: ${arg}`);
    return value ?? '';
  });
}

const referencedVariables = [...readText('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)(:?[-?])?/g)].map((m) => ({ name: m[1] ?? '', op: m[2] }));

describe('docker-compose.yml', () => {
  it('conforms to the Compose Specification schema', () => {
    expect(schemaErrors('test/unit/grafana/fixtures/compose-spec.json', compose)).toEqual([]);
  });

  it('the schema refuses what Compose would refuse', () => {
    expect(schemaErrors('test/unit/grafana/fixtures/compose-spec.json', { services: { x: { image: 'a', restart_policy: 'always' } } })).not.toEqual([]);
  });

  it('has a value for every variable: in .env.example or as a default', () => {
    for (const { name, op } of referencedVariables) {
      if (op?.endsWith('-') === true) continue;
      expect(Object.keys(dotenv), `\${${name}} has neither a default nor a line in .env.example`).toContain(name);
    }
    expect(() => interpolate(readText('docker-compose.yml'), dotenv)).not.toThrow();
    expect(() => interpolate('${INFLUX_TOKEN:?set it}', {})).toThrow(/INFLUX_TOKEN/);
  });

  it('runs the simulator only in the demo profile, which .env.example turns on', () => {
    expect(compose.services.simulator?.profiles).toEqual(['demo']);
    expect(dotenv.COMPOSE_PROFILES).toBe('demo');
    for (const [name, service] of services) if (name !== 'simulator') expect(service.profiles, name).toBeUndefined();
  });

  it.each(services.filter(([name]) => !ONE_SHOT.has(name)))('%s restarts and reports its health', (_name, service) => {
    expect(service.restart).toBe('unless-stopped');
    expect(service.healthcheck?.test.length ?? 0).toBeGreaterThan(0);
  });

  it('starts every service after what it needs, the broker after its password files', () => {
    for (const [name, service] of services) for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(compose.services), `${name} → ${dependency}`).toContain(dependency);
    expect(compose.services.mosquitto?.depends_on?.['mqtt-auth']?.condition).toBe('service_completed_successfully');
    for (const name of NODE_SERVICES) expect(compose.services[name]?.depends_on?.mosquitto?.condition, name).toBe('service_healthy');
  });

  it('declares every named volume it mounts, mounts every one it declares, and binds only files that exist', () => {
    const used = new Set<string>();
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('./')) expect(existsSync(join(REPO, source)), `${name} mounts ${source}`).toBe(true);
        else used.add(source);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it.each(NODE_SERVICES)('%s gets a configuration app-config.ts accepts, with its broker login from mqtt-auth', (name) => {
    const service = compose.services[name];
    const environment = Object.fromEntries(Object.entries(service?.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), dotenv)]));
    const config = loadConfig({ ...environment, MQTT_USERNAME: name, MQTT_PASSWORD: 'from-the-env-file' });
    expect(config.mqtt.mode).toBe('external');
    expect(config.mqtt.url).toBe('mqtt://mosquitto:1883');
    if (name !== 'simulator') expect(config.store).toMatchObject({ kind: 'influx', url: 'http://influxdb:8086' });
    // node --env-file=<file>: a file mqtt-auth writes into a volume this service mounts.
    const envFile = service?.command?.find((arg) => arg.startsWith('--env-file='))?.slice('--env-file='.length) ?? '';
    const mount = (service?.volumes ?? []).find((v) => envFile.startsWith(`${v.split(':')[1] ?? ''}/`)) ?? '';
    const written = compose.services['mqtt-auth']?.volumes?.find((v) => v.startsWith(`${mount.split(':')[0] ?? ''}:`))?.split(':')[1] ?? '';
    const file = `${written.replace(/^\/auth\//, '')}/${envFile.split('/').pop() ?? ''}`;
    const identity = identitiesFor(loadSiteConfig(join(REPO, 'config/site.k14.json'))).find((i) => i.envFile !== undefined && `clients/${i.envFile.service}/${i.envFile.file}` === file);
    expect(identity?.username, `${envFile} is not a file mqtt-auth writes`).toBeDefined();
  });

  it.each(services.filter(([, s]) => s.command !== undefined))('%s runs an entry point that exists', (_name, service) => {
    const script = service.command?.find((arg) => arg.endsWith('.ts')) ?? '';
    expect(existsSync(join(REPO, script)), script).toBe(true);
  });

  it('starts ingest with the Node.js flags the bench and fault suite measure it with, as package.json does', () => {
    const flagsBeforeEntry = (args: readonly string[]) => args.slice(0, args.indexOf('ingest/main.ts')).filter((arg) => INGEST_NODE_FLAGS.includes(arg));
    expect(flagsBeforeEntry(compose.services.ingest?.command ?? [])).toEqual(INGEST_NODE_FLAGS);
    const scripts = (JSON.parse(readText('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(flagsBeforeEntry(scripts['start:ingest']?.split(' ') ?? [])).toEqual(INGEST_NODE_FLAGS);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readText('Dockerfile');
  const ignored = readText('.dockerignore').split('\n').filter((line) => line !== '' && !line.startsWith('#'));

  it('builds on node:20-bookworm-slim with npm ci, better-sqlite3 compiled in the build stage', () => {
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/npm_config_build_from_source=true/);
  });

  it('copies every folder the services’ entry points live in, and .dockerignore keeps none of them out', () => {
    const entryFolders = new Set(services.flatMap(([, s]) => (s.command ?? []).filter((arg) => arg.endsWith('.ts')).map((arg) => arg.split('/')[0] ?? '')));
    for (const folder of [...entryFolders, 'core', 'config']) {
      expect(dockerfile, folder).toMatch(new RegExp(`^COPY ${folder} \\./${folder}$`, 'm'));
      expect(ignored, folder).not.toContain(folder);
    }
  });
});
