// Entry for the browsers (Chromium, Firefox): bundled by esbuild for the browser platform (so
// @authbelt/digest resolves its `browser` build, with its own JavaScript hashes). The page
// passes the cross-origin API's URL in its query; results land on window.
import digestFile from 'authbelt:digest-file';
import { loaders, unavailable } from './packages.mjs';
import { runSmoke } from './smoke.mjs';
import { vectors } from './vectors.mjs';

async function main() {
  const query = new URLSearchParams(location.search);
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
    // fetch with credentials 'omit', ky with fetch's default 'same-origin' (for a cross-origin
    // API: no cookies either). The Authorization header authbelt sets is sent in every mode: it
    // is a request header, not one of the browser's own credentials. Not 'include': Chromium
    // then handles the Digest 401 itself (its login prompt) and the fetch waits on it.
    fetchInit: { credentials: 'omit' },
    kyInit: {},
    hashFallback: async () => (digestFile.includes('/dist/node/') ? 'node' : 'js'),
  });
  if (importErrors.length > 0) results.import = { status: 'fail', detail: `import failed: ${importErrors.join('; ')}` };
  return { version: navigator.userAgent, results };
}

globalThis.smokeDone = main().catch((error) => ({ error: String(error?.stack ?? error) }));
