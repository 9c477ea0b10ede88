/**
 * Real nginx and Apache, configured with the very blocks HOSTING.md gives a
 * course's IT person, serving a build on loopback ports. Only what a test
 * machine must change is changed: the TLS lines go (tests speak plain http
 * to 127.0.0.1, which browsers still treat as a secure context), `listen`
 * gets a free port, and `/var/www/circuits-book` becomes a folder that
 * links to the build (plus the `.htaccess` HOSTING.md says to add).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const APACHE = process.env.APACHE_PATH ?? '/usr/sbin/apache2';
/** Where HOSTING.md puts the book on the server. */
const DOC_ROOT = '/var/www/circuits-book';
/** The sub-path HOSTING.md's `alias` examples use. */
export const SUB_PATH = '/courses/interpretability/book/';

/**
 * Started as root (CI), both servers hand their workers to an unprivileged
 * user, as on a real host; Debian always has `nobody` and `nogroup`.
 */
const asRoot = process.getuid?.() === 0;

/** Every fenced code block of `markdown` in language `lang`, in order. */
export function codeBlocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map(
    (m) => m[1],
  );
}

/** A config block with TLS lines removed, `/var/www/circuits-book` moved to `root`. */
function adapt(block: string, root: string): string {
  return block
    .split('\n')
    .filter((line) => !/^\s*(ssl_certificate|SSLEngine|SSLCertificate)/.test(line))
    .join('\n')
    .replaceAll(DOC_ROOT, root);
}

/**
 * A folder that stands for `/var/www/circuits-book`: a link to each top-level
 * entry of the build, so the build itself is never written to, plus `extra`
 * files (the `.htaccess`).
 */
export function docRoot(work: string, build: string, extra: Record<string, string> = {}): string {
  // The servers' workers run as an unprivileged user (below) and must get in.
  chmodSync(work, 0o755);
  const root = join(work, 'circuits-book');
  mkdirSync(root, { recursive: true });
  for (const name of readdirSync(build)) symlinkSync(resolve(build, name), join(root, name));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(root, name), text);
  return root;
}

/** A running server and how to stop it. */
export interface Server {
  url: string;
  stop: () => void;
  log: () => string;
}

async function waitUntilUp(url: string, server: ChildProcess, log: () => string) {
  for (let i = 0; i < 100; i++) {
    if (server.exitCode !== null) throw new Error(`server exited: ${log()}`);
    try {
      await get(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server at ${url} did not answer: ${log()}`);
}

function started(child: ChildProcess, url: string, logFile: string): Promise<Server> {
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const log = () => output + (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const server = { url, log, stop: () => child.kill('SIGTERM') };
  return waitUntilUp(url, child, log).then(
    () => server,
    (error) => {
      server.stop();
      throw error;
    },
  );
}

/**
 * nginx in the foreground with `block` (a whole `server { }` block, or lines
 * for inside one when `insideServer`) as its only site, on `port`.
 */
export function startNginx(
  work: string,
  block: string,
  root: string,
  port: number,
  { insideServer = false } = {},
): Promise<Server> {
  const site = adapt(block, root).replace(/listen 443 ssl;/, `listen 127.0.0.1:${port};`);
  const server = insideServer
    ? `server {\n    listen 127.0.0.1:${port};\n    root ${work}/empty;\n${site}\n}`
    : site;
  mkdirSync(join(work, 'empty'), { recursive: true });
  const conf = join(work, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
${asRoot ? 'user nobody nogroup;' : ''}
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${work}/client_body;
    proxy_temp_path ${work}/proxy;
    fastcgi_temp_path ${work}/fastcgi;
    uwsgi_temp_path ${work}/uwsgi;
    scgi_temp_path ${work}/scgi;
${server}
}
`,
  );
  const check = spawnSync(NGINX, ['-t', '-c', conf, '-p', work], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`);
  const child = spawn(NGINX, ['-c', conf, '-p', work], { stdio: ['ignore', 'pipe', 'pipe'] });
  return startedAt(child, port, join(work, 'nginx-error.log'));
}

function startedAt(child: ChildProcess, port: number, logFile: string) {
  return started(child, `http://127.0.0.1:${port}/`, logFile);
}

/** The modules HOSTING.md's Apache setup relies on, and the few any Apache needs. */
const APACHE_MODULES = [
  'mpm_event',
  'authz_core',
  'dir',
  'mime',
  'alias',
  'headers',
  'filter',
  'deflate',
];

/**
 * Apache in the foreground with `block` (a `<VirtualHost>`, or lines for
 * inside one when `insideVhost`) on `port`.
 */
export function startApache(
  work: string,
  block: string,
  root: string,
  port: number,
  { insideVhost = false } = {},
): Promise<Server> {
  const site = adapt(block, root).replace('<VirtualHost *:443>', `<VirtualHost 127.0.0.1:${port}>`);
  const vhost = insideVhost
    ? `<VirtualHost 127.0.0.1:${port}>\n    DocumentRoot ${work}/empty\n${site}\n</VirtualHost>`
    : site;
  mkdirSync(join(work, 'empty'), { recursive: true });
  const conf = join(work, 'apache2.conf');
  writeFileSync(
    conf,
    `ServerRoot ${work}
ServerName 127.0.0.1
PidFile ${work}/apache2.pid
ErrorLog ${work}/apache-error.log
LogLevel warn
Listen 127.0.0.1:${port}
Mutex file:${work}
${asRoot ? 'User nobody\nGroup nogroup' : ''}
${APACHE_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
TypesConfig /etc/mime.types
DirectoryIndex index.html
<Directory />
    AllowOverride None
    Require all denied
</Directory>
AccessFileName .htaccess
${vhost}
`,
  );
  const env = { ...process.env, APACHE_RUN_DIR: work, APACHE_LOCK_DIR: work, APACHE_LOG_DIR: work };
  const check = spawnSync(APACHE, ['-f', conf, '-t'], { encoding: 'utf8', env });
  if (check.status !== 0) throw new Error(`apache2 -t failed:\n${check.stderr}`);
  const child = spawn(APACHE, ['-f', conf, '-DFOREGROUND'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  return startedAt(child, port, join(work, 'apache-error.log'));
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePromise(port));
    });
  });
}

/** A GET's status, headers and body (gunzipped when it came gzipped). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes on the wire, before any gunzip. */
  wireBytes: number;
}

/** GET `url`, optionally asking for gzip; never follows redirects. */
export function get(url: string, { gzip = false } = {}): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      // A fresh connection each time: a kept-alive one the server has just
      // closed would fail the next request ("socket hang up").
      { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {}, timeout: 30_000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: body.toString('utf8'),
            wireBytes: raw.length,
          });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}
