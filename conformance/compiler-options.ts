import { join } from 'node:path';
import ts from 'typescript';

/**
 * The compiler options of conformance/tsconfig.json (which maps every
 * `@authbelt/*` import to its source), for the tests that typecheck code:
 * README examples and the `*.test-d.ts` type-level tests.
 */
export function conformanceCompilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'conformance', 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  return config.options;
}
