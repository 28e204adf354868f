/**
 * Starts the shipped proxy recipe (deploy/nginx) as an operator would run
 * it: Debian's nginx with the two shipped files, only paths, listening
 * address, ports and the name changed, and a throw-away self-signed
 * certificate for the name, in a folder of its own. Debian's nginx must be
 * installed (.ci/run installs it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const testHost = 'qingfeng.test';

const recipeFolder = path.join(__dirname, '../../deploy/nginx');

export interface RecipeListen {
  address: string;
  http: number;
  https: number;
}

export interface RunningRecipe {
  /** nginx's folder: its configuration, certificate, logs and temporary folders. */
  dir: string;
  /** The throw-away certificate (PEM), its own CA: trust it to verify the proxy. */
  certificate: Buffer;
  certificateFile: string;
  /** Ends nginx, waits until it has gone, and removes its folder. */
  stop(): Promise<void>;
}

export async function startRecipe(portalPort: number, listen: RecipeListen): Promise<RunningRecipe> {
  expect(() => execFileSync('nginx', ['-v'], { stdio: 'pipe' })).not.toThrow(); // Debian's nginx: apt-get install nginx
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-nginx-'));
  execFileSync('mkdir', ['-p', path.join(dir, 'logs'), path.join(dir, 'temp/body'), path.join(dir, 'temp/proxy')]);
  const certificateFile = writeCertificate(dir);
  const config = writeRecipe(dir, portalPort, listen);
  const nginx = spawn('nginx', ['-p', dir, '-e', path.join(dir, 'logs/error.log'), '-c', config, '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => nginx.once('exit', () => resolve()));
  await waitForPort(listen.address, listen.https).catch((error: Error) => {
    nginx.kill('SIGKILL');
    throw new Error(`${error.message}: ${readFileSync(path.join(dir, 'logs/error.log'), 'utf8')}`);
  });
  return {
    dir,
    certificate: readFileSync(certificateFile),
    certificateFile,
    stop: async () => {
      if (nginx.exitCode === null && nginx.signalCode === null) nginx.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function writeCertificate(dir: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${testHost}`,
    '-addext', `subjectAltName=DNS:${testHost}`, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'pipe' });
  return path.join(dir, 'cert.pem');
}

/** The recipe's two files with only what differs on a test machine changed: paths, address, ports and the name. */
function writeRecipe(dir: string, portalPort: number, listen: RecipeListen): string {
  const main = readFileSync(path.join(recipeFolder, 'nginx.conf'), 'utf8')
    .replace('user www-data;', '')
    .replace('pid /run/nginx.pid;', `pid ${dir}/nginx.pid;`)
    .replaceAll('/var/log/nginx/error.log', `${dir}/logs/error.log`)
    .replace('include /etc/nginx/conf.d/qingfeng.conf;', `include ${dir}/qingfeng.conf;\n    client_body_temp_path ${dir}/temp/body;\n    proxy_temp_path ${dir}/temp/proxy;`);
  const site = readFileSync(path.join(recipeFolder, 'qingfeng.conf'), 'utf8')
    .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${portalPort};`)
    .replace('listen 80;', `listen ${listen.address}:${listen.http};`)
    .replace('listen 443 ssl http2;', `listen ${listen.address}:${listen.https} ssl http2;`)
    .replace(/\n\s*listen \[::\]:\d+[^;]*;/g, '')
    .replaceAll('qingfeng.example.cn', testHost)
    .replace('/etc/qingfeng/tls/fullchain.pem', `${dir}/cert.pem`)
    .replace('/etc/qingfeng/tls/privkey.pem', `${dir}/key.pem`);
  writeFileSync(path.join(dir, 'qingfeng.conf'), site);
  writeFileSync(path.join(dir, 'nginx.conf'), main);
  return path.join(dir, 'nginx.conf');
}

async function waitForPort(address: string, port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, address, () => { socket.end(); resolve(true); }).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nginx did not listen on ${address}:${port}`);
}
