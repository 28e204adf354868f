#!/usr/bin/env node
// Builds scripts/ferretdb-launcher into .tools/ once, and again only when its
// sources change. Plain JavaScript so it can run before TypeScript is built.
'use strict';
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'scripts', 'ferretdb-launcher');
const tools = path.join(root, '.tools');
const binary = path.join(tools, 'ferretdb-launcher');
const stamp = `${binary}.sha256`;

const digest = createHash('sha256');
const sources = ['go.mod', 'go.sum', ...readdirSync(source).filter((name) => name.endsWith('.go')).sort()];
for (const file of sources) digest.update(readFileSync(path.join(source, file)));
const wanted = digest.digest('hex');

if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) process.exit(0);

const go = findGo();
if (!go) {
  console.error('Go 1.24 or later is needed to build the embedded database (FerretDB).');
  console.error('Install Go, or set MONGODB_URI to use an existing MongoDB instead.');
  process.exit(1);
}
console.log('Building the embedded database launcher (FerretDB v1.24.2); the first build takes a minute or two…');
mkdirSync(tools, { recursive: true });
execFileSync(go, ['build', '-trimpath', '-o', binary, '.'], { cwd: source, stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0' } });
writeFileSync(stamp, wanted);
console.log(`Built ${path.relative(root, binary)}`);

function findGo() {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
