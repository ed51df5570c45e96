// The committed dashboards and alert rules are what dashboards/generate.ts makes of the site
// configuration and the dashboard code today: changing either without regenerating fails here.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../../core/config/load-site.ts';
import { DEFAULT_SITE_FILE } from '../../../dashboards/generate.ts';
import { GENERATED_DASHBOARDS_DIR, generatedFiles } from '../../../dashboards/render.ts';
import { readText, REPO } from './repo-files.ts';

const files = generatedFiles(loadSiteConfig(join(REPO, DEFAULT_SITE_FILE)), DEFAULT_SITE_FILE);

describe('generated files', () => {
  it.each(files.map((file) => [file.path, file.text] as const))('%s is up to date (else: npm run dashboards)', (path, text) => {
    expect(existsSync(join(REPO, path)), `${path} is missing: run npm run dashboards`).toBe(true);
    expect(readText(path), `${path} is stale: run npm run dashboards and commit the result`).toBe(text);
  });

  it('leaves no dashboard behind that the code no longer makes', () => {
    const expected = files.map((file) => file.path).filter((path) => path.startsWith(`${GENERATED_DASHBOARDS_DIR}/`));
    const onDisk = readdirSync(join(REPO, GENERATED_DASHBOARDS_DIR)).map((name) => `${GENERATED_DASHBOARDS_DIR}/${name}`);
    expect(onDisk.sort()).toEqual(expected.sort());
  });
});
