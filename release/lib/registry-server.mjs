// Child process: verdaccio on 127.0.0.1 and a port the kernel picks, storage in
// the folder given. Prints `READY <port>` once it listens; the parent stops it by PID.
//
//   node registry-server.mjs <folder>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runServer } from 'verdaccio';

const folder = process.argv[2];
if (folder === undefined) throw new Error('usage: registry-server.mjs <folder>');

const configPath = join(folder, 'config.yaml');
// Only @authbelt/* lives here, and anyone may publish it (`$anonymous`): no
// uplinks, so the scratch projects fetch every other package from npm's own
// default registry through the scoped-registry line in their .npmrc.
writeFileSync(
  configPath,
  [
    `storage: ${JSON.stringify(join(folder, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(folder, 'htpasswd'))}`,
    '    max_users: -1',
    'uplinks: {}',
    'packages:',
    "  '@authbelt/*':",
    '    access: $all',
    '    publish: $anonymous',
    '    unpublish: $anonymous',
    "  '**':",
    '    access: $all',
    'web:',
    '  enable: false',
    'max_body_size: 20mb',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n'),
);

const server = await runServer(configPath);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
// The parent's SIGTERM ends the process; nothing here must outlive it.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
