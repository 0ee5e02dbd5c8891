import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { type RunningApache, startApache } from './harness/apache.js';
import { type RunningHttpbin, startHttpbin } from './harness/httpbin.js';
import { stopProcess } from './harness/process.js';
import { type InteropServers, isMissing, type Missing } from './harness/servers.js';
import { type RunningSquid, startSquid } from './harness/squid.js';

type Running = RunningApache | RunningSquid | RunningHttpbin;

const started: Running[] = [];

function keep<T extends Running>(result: T | Missing): T | Missing {
  if (!isMissing(result)) started.push(result);
  return result;
}

/**
 * Starts each real server once for the whole run, on 127.0.0.1 and free
 * ports, and hands the test files where they are. A server that is not
 * installed is skipped with the Debian package to install, except under
 * `CI=true`, where it fails the run.
 */
export async function setup(project: TestProject): Promise<void> {
  try {
    const apache = keep(await startApache());
    const httpbin = keep(await startHttpbin());
    const origins = isMissing(apache) ? [] : [apache.info.httpPort, apache.info.httpsPort];
    // httpbin too: Digest through a proxy (digest-interop.test.ts).
    if (!isMissing(httpbin)) origins.push(httpbin.info.port);
    const squid = keep(await startSquid(origins));
    const servers: InteropServers = {
      apache: isMissing(apache) ? apache : apache.info,
      squid: isMissing(squid) ? squid : squid.info,
      httpbin: isMissing(httpbin) ? httpbin : httpbin.info,
    };
    const missing = Object.entries(servers).filter(([, info]) => isMissing(info));
    for (const [name, info] of missing) {
      console.warn(`interop: skipping ${name}: ${(info as Missing).missing} is not installed`);
    }
    if (missing.length > 0 && process.env.CI === 'true') {
      throw new Error(
        `interop: CI=true and these servers are missing: ${missing.map(([, info]) => (info as Missing).missing).join(', ')}`,
      );
    }
    for (const running of started) console.info(`interop: ${running.info.version} (pid ${running.process.pid})`);
    project.provide('interop', servers);
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Stops every server this run started, by its PID, and removes its temp dir. */
export async function teardown(): Promise<void> {
  const failures: unknown[] = [];
  for (const running of started.splice(0).reverse()) {
    try {
      await stopProcess(running.process);
      if (process.env.AUTHBELT_INTEROP_KEEP !== '1') rmSync(running.dir, { recursive: true, force: true });
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'interop: some servers did not stop');
}
