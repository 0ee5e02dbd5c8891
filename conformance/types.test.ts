// Type-level tests: every packages/*/src/*.test-d.ts typechecks against the
// packages' sources (as conformance's other files do), so a public type that
// stops accepting what it promises (or starts accepting what it refuses, as
// `@ts-expect-error` lines say) fails here.
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { conformanceCompilerOptions } from './compiler-options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const typeTests = (): string[] =>
  readdirSync(join(root, 'packages')).flatMap((dir) => {
    const src = join(root, 'packages', dir, 'src');
    try {
      return readdirSync(src)
        .filter((name) => name.endsWith('.test-d.ts'))
        .map((name) => join(src, name));
    } catch {
      return [];
    }
  });

describe('type-level tests', () => {
  const files = typeTests();

  it('there are some', () => {
    expect(files.map((file) => relative(root, file))).toContain('packages/adapter-fetch/src/with-auth.test-d.ts');
  });

  it('every one typechecks', () => {
    const program = ts.createProgram(files, { ...conformanceCompilerOptions(root), noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (d.file === undefined || d.start === undefined) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${relative(root, d.file.fileName)}:${line + 1}: ${message}`;
    });
    expect(problems).toEqual([]);
  });
});
