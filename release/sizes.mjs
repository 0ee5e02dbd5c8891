#!/usr/bin/env node
// The size of each published package as npm would pack it (`npm pack
// --dry-run`: the built dist/, so run `pnpm build` first), printed, and with
// --write put in the "size" column of the root README's package table.
//
//   node release/sizes.mjs [--write]
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, tail } from '../runtimes/lib/exec.mjs';
import { workspacePackages } from './lib/scratch.mjs';
import { root } from './lib/tooling.mjs';

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const rows = [];
for (const p of (await workspacePackages(root)).filter((p) => !p.manifest.private)) {
  const result = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(root, 'packages', p.dir),
  });
  if (result.code !== 0) throw new Error(`npm pack --dry-run failed in packages/${p.dir}:\n${tail(result.stderr)}`);
  const [info] = JSON.parse(result.stdout);
  rows.push({ ...p, size: info.size, unpackedSize: info.unpackedSize, files: info.entryCount });
  process.stdout.write(
    `${p.name}: ${kB(info.size)} packed, ${kB(info.unpackedSize)} unpacked, ${info.entryCount} files\n`,
  );
}

if (process.argv.includes('--write')) {
  const file = join(root, 'README.md');
  const lines = (await readFile(file, 'utf8')).split('\n');
  const header = lines.findIndex((l) => /^\| package \| what it gives you \|/.test(l));
  if (header === -1) throw new Error('README.md has no "| package | what it gives you |" table');
  const cells = (line) => line.replace(/^\|\s*|\s*\|$/g, '').split(/\s+\|\s+/);
  const row = (values) => `| ${values.join(' | ')} |`;
  lines[header] = row(['package', 'what it gives you', 'size (packed / unpacked)']);
  lines[header + 1] = row(['---', '---', '---:']);
  for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    const [name, what] = cells(lines[i]);
    const p = rows.find((r) => name.includes(`\`${r.name}\``));
    lines[i] = row([name, what, p === undefined ? '' : `${kB(p.size)} / ${kB(p.unpackedSize)}`]);
  }
  await writeFile(file, lines.join('\n'));
  process.stdout.write('README.md package table updated\n');
}
