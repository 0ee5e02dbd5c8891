// A throwaway npm registry (verdaccio 6.8, the last release that runs on Node 20)
// on 127.0.0.1 and an ephemeral port, its storage in a temporary folder. stop()
// ends it by PID; an exit of this process for any reason ends it too.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the registry; resolves to `{ url, pid, stop }` once it listens. */
export function startRegistry(folder, { timeoutMs = 60_000 } = {}) {
  const child = spawn(process.execPath, [join(here, 'registry-server.mjs'), folder], {
    cwd: join(here, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopped = false;
  const kill = () => {
    if (stopped || child.exitCode !== null || child.signalCode !== null) return;
    stopped = true;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // Whatever ends this process (an exception, process.exit, Ctrl-C), the registry goes with it.
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      kill();
      process.exit(130);
    });
  }
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`verdaccio did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /READY (\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      const url = `http://127.0.0.1:${match[1]}/`;
      resolve({
        url,
        pid: child.pid,
        log: () => output,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            stopped = true;
            process.kill(child.pid, 'SIGTERM');
            // A server that ignores SIGTERM still goes.
            setTimeout(() => {
              if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
            }, 5_000).unref();
          }),
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`verdaccio exited (${code ?? signal}) before it listened:\n${output}`));
    });
  });
}
