import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root, whether we run from server/ (ts-jest) or dist/server/ (npm start). */
export const projectRoot = findRoot(__dirname);

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${from}`);
    dir = parent;
  }
  return dir;
}
