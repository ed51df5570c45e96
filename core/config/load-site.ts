// Reads and validates the site configuration file (meters, rooms) once at start.
import { readFileSync } from 'node:fs';
import { siteSchema, type SiteConfig } from '../domain/site/site-schema.ts';
import { ConfigError } from './app-config.ts';

export function loadSiteConfig(file: string): SiteConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the site configuration ${file}: ${(error as Error).message}`);
  }
  const parsed = siteSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid site configuration ${file}: ${problems.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}
