// Every TypeScript example in a README (the root's and each package's)
// typechecks against the packages' sources, each block on its own as a
// reader would paste it: an example that no longer matches the API fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { conformanceCompilerOptions } from './compiler-options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Example {
  readonly file: string; // the virtual .ts file
  readonly readme: string; // relative path
  readonly line: number; // line of the block's first code line in the README
  readonly code: string;
}

function examples(): Example[] {
  const readmes = [
    'README.md',
    ...readdirSync(join(root, 'packages'))
      .map((dir) => join('packages', dir, 'README.md'))
      .filter((path) => {
        try {
          readFileSync(join(root, path));
          return true;
        } catch {
          return false;
        }
      }),
  ];
  const found: Example[] = [];
  for (const readme of readmes) {
    const text = readFileSync(join(root, readme), 'utf8');
    for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      const line = text.slice(0, match.index).split('\n').length + 1;
      const file = join(root, 'conformance', `readme-example-${found.length}.ts`);
      // `export {}` makes each block a module of its own (top-level await, no shared names).
      found.push({ file, readme, line, code: `${match[1]}\nexport {};\n` });
    }
  }
  return found;
}

function typecheck(blocks: readonly Example[]): string[] {
  const options = { ...conformanceCompilerOptions(root), noEmit: true, noUnusedLocals: false };
  const virtual = new Map(blocks.map((b) => [b.file, b.code]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const code = virtual.get(name);
    return code === undefined
      ? getSourceFile.call(host, name, language, ...rest)
      : ts.createSourceFile(name, code, language, true);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const byFile = new Map(blocks.map((b) => [b.file, b]));
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const block = d.file === undefined ? undefined : byFile.get(d.file.fileName);
    if (block === undefined || d.file === undefined || d.start === undefined) {
      return `${d.file ? relative(root, d.file.fileName) : 'tsc'}: ${message}`;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${block.readme}:${block.line + line}: ${message}`;
  });
}

describe('README examples', () => {
  const blocks = examples();

  it('there are examples in the root README and in every package README', () => {
    const readmes = new Set(blocks.map((b) => b.readme));
    expect(readmes.has('README.md')).toBe(true);
    for (const dir of readdirSync(join(root, 'packages'))) {
      expect(readmes.has(join('packages', dir, 'README.md')), dir).toBe(true);
    }
  });

  it('every TypeScript block typechecks on its own against the sources', () => {
    expect(typecheck(blocks)).toEqual([]);
  });
});
