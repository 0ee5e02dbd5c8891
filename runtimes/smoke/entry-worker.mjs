// Entry for workerd: a module worker bundled by esbuild with the conditions
// wrangler uses (workerd, worker, browser), so @authbelt/digest resolves its
// plain-JavaScript hash build. GET /?server=... runs the suite and answers JSON.
import digestFile from 'authbelt:digest-file';
import { loaders, unavailable } from './packages.mjs';
import { runSmoke } from './smoke.mjs';
import { vectors } from './vectors.mjs';

// biome-ignore lint/style/noDefaultExport: a module worker is its default export
export default {
  async fetch(request) {
    const query = new URL(request.url).searchParams;
    const modules = {};
    const importErrors = [];
    for (const [name, load] of Object.entries(loaders)) {
      try {
        modules[name] = await load();
      } catch (error) {
        importErrors.push(`${name}: ${error?.message ?? error}`);
      }
    }
    let ky;
    try {
      ky = await import('ky');
    } catch (error) {
      ky = error instanceof Error ? error : new Error(String(error));
    }
    const results = await runSmoke({
      modules,
      unavailable,
      vectors,
      serverUrl: query.get('server') ?? undefined,
      serverMissing: query.get('serverMissing') ?? undefined,
      credentials: { username: query.get('username'), password: query.get('password') },
      expectedHash: 'js',
      ky,
      hashFallback: async () => (digestFile.includes('/dist/node/') ? 'node' : 'js'),
    });
    if (importErrors.length > 0)
      results.import = { status: 'fail', detail: `import failed: ${importErrors.join('; ')}` };
    return Response.json({ version: `workerd (${navigator.userAgent})`, results });
  },
};
