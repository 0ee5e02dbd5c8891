// One section of `pnpm bench` in a process of its own: `node bench/section.mjs
// <module> <export> <out.json>` imports ./<module>, awaits its <export>() and
// writes the result as JSON. bench/run.mjs runs every section this way, so no
// section measures in a heap, a JIT state or a garbage collector that the
// sections before it left behind (the hot Digest row ran 1.5x slower after the
// parser section than in a fresh process, and authbelt's side more than the peer's).

import { writeFileSync } from 'node:fs';

const [module, name, out] = process.argv.slice(2);
const exports = await import(`./${module}`);
if (typeof exports[name] !== 'function') throw new Error(`bench/${module} exports no function ${name}`);
writeFileSync(out, JSON.stringify(await exports[name]()));
// Servers and timers a section leaves behind do not hold the run up.
process.exit(0);
