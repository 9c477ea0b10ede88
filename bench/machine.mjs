// What both benchmarks (and playwright.config.ts) share: the Chromium they drive, its launch arguments,
// and a description of the machine for the results file.
import { execSync } from 'node:child_process';
import { cpus, hostname, loadavg, totalmem } from 'node:os';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** WebGPU on (SwiftShader where there is no GPU); no calls to Google's servers. */
export const launchArgs = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A shell command's output, or `unknown`. */
export function sh(cmd) {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Host, CPU, memory, Chromium and Node versions, and the load average now. */
export function machine() {
  const cpu = cpus();
  return {
    host: hostname(),
    cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length} logical cores`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    chromium: sh(`${chromiumPath} --version`),
    node: process.version,
    load: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
}
