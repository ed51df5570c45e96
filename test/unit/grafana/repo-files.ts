// Reading the repository's deployment files in tests: YAML as Grafana and Compose read it (merge keys
// resolved), and JSON-schema validation (Ajv, draft-07) with every error listed at once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';

export const REPO = join(import.meta.dirname, '../../..');

export function readText(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

export function readYaml(path: string): unknown {
  return parse(readText(path), { merge: true });
}

const ajv = new Ajv({ allErrors: true, strict: false });
// The Compose schema names draft-07 by its https address; Ajv knows it by the http one.
const draft07 = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('ajv/dist/refs/json-schema-draft-07.json'), 'utf8')) as object;
ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });

/** Every way `value` breaks the schema, one line each; [] when it conforms. */
export function schemaErrors(schemaPath: string, value: unknown): string[] {
  const schema = JSON.parse(readText(schemaPath)) as { $id?: string };
  const validate = (schema.$id !== undefined ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}${error.keyword === 'additionalProperties' ? `: ${JSON.stringify(error.params)}` : ''}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
