// Writes the dashboards and Grafana alert rules generated from the site configuration:
//   npm run dashboards [-- --site config/site.k14.json]
// The output is committed; test/unit/grafana fails while it differs from what this would write.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSiteConfig } from '../core/config/load-site.ts';
import { generatedFiles } from './render.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SITE_FILE = 'config/site.k14.json';

function main(): void {
  const { values } = parseArgs({ options: { site: { type: 'string', default: DEFAULT_SITE_FILE } } });
  const siteFile = values.site ?? DEFAULT_SITE_FILE;
  const site = loadSiteConfig(path.resolve(REPO_ROOT, siteFile));
  for (const file of generatedFiles(site, siteFile)) {
    const target = path.join(REPO_ROOT, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text);
    process.stdout.write(`wrote ${file.path}\n`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`dashboards: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
