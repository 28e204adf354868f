/**
 * The few scripts in public/js/ that enhance a page (every page works
 * without them), each loaded with its Subresource Integrity hash, computed
 * once from the file itself so it can never go stale.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

const hashes = new Map<string, string>();

export function scriptIntegrity(name: string): string {
  if (!/^[a-z0-9-]+\.js$/.test(name)) throw new Error(`not a script name: ${name}`);
  let hash = hashes.get(name);
  if (!hash) {
    hash = `sha384-${createHash('sha384').update(readFileSync(path.join(projectRoot, 'public', 'js', name))).digest('base64')}`;
    hashes.set(name, hash);
  }
  return hash;
}

export function scriptTag(name: string): string {
  return `<script src="/public/js/${name}" integrity="${scriptIntegrity(name)}" defer></script>`;
}
