// Every Grafana provisioning file against a JSON schema written from Grafana's file formats, then what a
// schema cannot say: files, dashboards and docker-compose.yml agree, and no secret is written down.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_FOLDER } from '../../../dashboards/alert-rules.ts';
import { INFLUX_DATASOURCE } from '../../../dashboards/influxql.ts';
import { GENERATED_DASHBOARDS_DIR } from '../../../dashboards/render.ts';
import { isRecord, readText, readYaml, REPO, schemaErrors } from './repo-files.ts';

const KINDS = [
  { dir: 'provisioning/grafana/datasources', schema: 'test/unit/grafana/schemas/grafana-datasources.schema.json' },
  { dir: 'provisioning/grafana/dashboards', schema: 'test/unit/grafana/schemas/grafana-dashboard-providers.schema.json' },
  { dir: 'provisioning/grafana/alerting', schema: 'test/unit/grafana/schemas/grafana-alerting.schema.json' },
] as const;

const files = KINDS.flatMap(({ dir, schema }) =>
  readdirSync(join(REPO, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => ({ path: `${dir}/${name}`, schema })),
);

interface Datasource {
  uid: string;
  type: string;
  url: string;
  jsonData: Record<string, string>;
  secureJsonData: Record<string, string>;
}
interface AlertQuery {
  refId: string;
  datasourceUid: string;
  model: { expression?: string };
}
interface Rule {
  uid: string;
  condition: string;
  data: AlertQuery[];
  dashboardUid?: string;
  panelId?: number;
  notification_settings?: { receiver: string };
}

const datasources = files.filter((f) => f.path.includes('/datasources/')).flatMap((f) => (readYaml(f.path) as { datasources: Datasource[] }).datasources);
const alerting = files.filter((f) => f.path.includes('/alerting/')).map((f) => readYaml(f.path) as { groups?: { folder: string; rules: Rule[] }[]; contactPoints?: { name: string }[] });
const rules = alerting.flatMap((file) => (file.groups ?? []).flatMap((g) => g.rules));
const grafanaService = (readYaml('docker-compose.yml') as { services: Record<string, { environment: Record<string, string>; volumes: string[] }> }).services.grafana;

describe('provisioning files against Grafana’s formats', () => {
  it('covers all three kinds', () => {
    for (const { dir } of KINDS) expect(files.some((f) => f.path.startsWith(dir)), dir).toBe(true);
  });

  it.each(files.map((f) => [f.path, f.schema] as const))('%s conforms', (path, schema) => {
    expect(schemaErrors(schema, readYaml(path))).toEqual([]);
  });

  it('the schemas refuse what Grafana would not read', () => {
    const schema = 'test/unit/grafana/schemas/grafana-alerting.schema.json';
    expect(schemaErrors(schema, { apiVersion: 1, groups: [{ name: 'g', folder: 'f', interval: 'one minute', rules: [] }] })).not.toEqual([]);
    expect(schemaErrors(schema, { apiVersion: 1, contactPoints: [{ name: 'x', receivers: [{ uid: 'u', type: 'email', settings: { to: 'a' } }] }] })).not.toEqual([]);
    expect(schemaErrors('test/unit/grafana/schemas/grafana-datasources.schema.json', { apiVersion: 1, datasources: [{ name: 'x', type: 'influxdb', access: 'proxy', password: 'plain' }] })).not.toEqual([]);
  });
});

describe('the data source', () => {
  const influx = datasources.find((d) => d.uid === INFLUX_DATASOURCE.uid);

  it('is the one the dashboards and rules name', () => {
    expect(influx?.type).toBe(INFLUX_DATASOURCE.type);
    for (const name of readdirSync(join(REPO, GENERATED_DASHBOARDS_DIR))) {
      const uids = new Set([...readText(`${GENERATED_DASHBOARDS_DIR}/${name}`).matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]));
      uids.delete(name.replace(/\.json$/, ''));
      expect([...uids], name).toEqual([INFLUX_DATASOURCE.uid]);
    }
  });

  it('speaks InfluxQL to the bucket with the token from the environment, never a written one', () => {
    expect(influx?.jsonData).toMatchObject({ version: 'InfluxQL', dbName: '${INFLUX_BUCKET}', httpHeaderName1: 'Authorization' });
    expect(influx?.secureJsonData).toEqual({ httpHeaderValue1: 'Token ${INFLUX_TOKEN}' });
    expect(influx?.url).toBe('${INFLUX_URL}');
  });

  it('gets every variable it interpolates from Grafana’s environment in docker-compose.yml', () => {
    for (const file of files) {
      for (const [, name] of readText(file.path).matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
        expect(Object.keys(grafanaService?.environment ?? {}), `${file.path} uses ${name}`).toContain(name);
      }
    }
  });
});

describe('the dashboard provider', () => {
  const provider = (readYaml('provisioning/grafana/dashboards/k14.yaml') as { providers: { folder: string; options: { path: string } }[] }).providers[0];

  it('reads the directory docker-compose.yml mounts the generated dashboards at', () => {
    expect(grafanaService?.volumes).toContain(`./${GENERATED_DASHBOARDS_DIR}:${provider?.options.path}:ro`);
    expect(grafanaService?.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${provider?.options.path}/k14-engineering.json`);
  });

  it('shares its folder with the alert rules', () => {
    expect(provider?.folder).toBe(ALERT_FOLDER);
    for (const file of alerting) for (const group of file.groups ?? []) expect(group.folder).toBe(ALERT_FOLDER);
  });
});

describe('the alert rules', () => {
  const receivers = new Set(alerting.flatMap((file) => (file.contactPoints ?? []).map((c) => c.name)));
  const dashboards = readdirSync(join(REPO, GENERATED_DASHBOARDS_DIR)).map((name) => JSON.parse(readText(`${GENERATED_DASHBOARDS_DIR}/${name}`)) as unknown);

  it.each(rules.map((r) => [r.uid, r] as const))('%s is wired: data source, condition, expressions, receiver, panel', (_uid, rule) => {
    const refIds = new Set(rule.data.map((d) => d.refId));
    expect(refIds).toContain(rule.condition);
    for (const query of rule.data) {
      expect(['__expr__', ...datasources.map((d) => d.uid)]).toContain(query.datasourceUid);
      if (query.model.expression !== undefined) expect(refIds).toContain(query.model.expression);
    }
    expect(receivers).toContain(rule.notification_settings?.receiver);
    const dashboard = dashboards.find((d) => isRecord(d) && d.uid === rule.dashboardUid);
    const panels = isRecord(dashboard) && Array.isArray(dashboard.panels) ? (dashboard.panels as unknown[]) : [];
    expect(panels.some((panel) => isRecord(panel) && panel.id === rule.panelId && panel.type === 'timeseries')).toBe(true);
  });
});
