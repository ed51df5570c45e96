// Each committed dashboard is a valid foundation-SDK Dashboard: the builders type-check the code at
// compile time, and this checks the JSON on disk against the same types.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DASHBOARDS_DIR } from '../../../dashboards/render.ts';
import { readText, REPO } from './repo-files.ts';
import { dashboardTypeErrors } from './sdk-type-check.ts';

const dashboards = readdirSync(join(REPO, GENERATED_DASHBOARDS_DIR)).filter((name) => name.endsWith('.json'));

describe('dashboards against the SDK types', () => {
  it.each(dashboards)('%s type-checks as a Dashboard', (name) => {
    expect(dashboardTypeErrors(readText(`${GENERATED_DASHBOARDS_DIR}/${name}`))).toEqual([]);
  });

  it('notices what is not a Dashboard', () => {
    const dashboard = (): Record<string, unknown> => JSON.parse(readText(`${GENERATED_DASHBOARDS_DIR}/${dashboards[0] ?? ''}`)) as Record<string, unknown>;
    const { schemaVersion: _dropped, ...withoutSchemaVersion } = dashboard();
    expect(dashboardTypeErrors(JSON.stringify(withoutSchemaVersion)).join('\n')).toMatch(/schemaVersion/);
    expect(dashboardTypeErrors(JSON.stringify({ ...dashboard(), refersh: '10s' })).join('\n')).toMatch(/refersh/);
    expect(dashboardTypeErrors(JSON.stringify({ ...dashboard(), panels: [{ type: 'stat', gridPos: { h: '8', w: 6, x: 0, y: 0 } }] })).join('\n')).toMatch(/gridPos|number/);
  });
});
