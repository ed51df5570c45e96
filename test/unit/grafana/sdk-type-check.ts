// Type-checks dashboard JSON against the foundation SDK's Dashboard type with the TypeScript compiler:
// a missing field, a wrong type or an unknown key is a compile error; enums compare by value, as in JSON.
import { join } from 'node:path';
import ts from 'typescript';
import { REPO } from './repo-files.ts';

/** Lives beside the dashboard code so the SDK and ./influxql.ts resolve as they do there; never written. */
const VIRTUAL_FILE = join(REPO, 'dashboards', '__sdk_type_check__.ts');

const PRELUDE = `
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { InfluxqlAnnotationTarget, InfluxqlTarget } from './influxql.ts';
type Target = Omit<InfluxqlTarget, '_implementsDataqueryVariant'> | Omit<InfluxqlAnnotationTarget, '_implementsDataqueryVariant'>;
type AsJson<T> = T extends { _implementsDataqueryVariant(): void }
  ? Target
  : T extends string
    ? \`\${T}\`
    : T extends readonly (infer U)[]
      ? AsJson<U>[]
      : T extends object
        ? { [K in keyof T]: AsJson<T[K]> }
        : T;
export const dashboard: AsJson<Dashboard> = `;

export function dashboardTypeErrors(json: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const source = `${PRELUDE}${json.trim()};\n`;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, create) =>
    fileName === VIRTUAL_FILE ? ts.createSourceFile(fileName, source, language) : getSourceFile(fileName, language, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists(fileName);
  const program = ts.createProgram([VIRTUAL_FILE], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === VIRTUAL_FILE)
    .map((d) => `${d.start === undefined ? '' : `at ${d.start - PRELUDE.length}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
