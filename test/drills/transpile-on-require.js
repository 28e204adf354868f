/**
 * Lets plain `node` run the portal's TypeScript sources for the drills that
 * need the real process (`node -r ./test/drills/transpile-on-require.js
 * server/main.ts`): each .ts file is transpiled on require, without type
 * checking (tsc --noEmit does that; the project compiles with
 * isolatedModules, so file-by-file transpiling is exact). No build output,
 * so nothing is written to dist/ and nothing can be stale.
 */
'use strict';
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  isolatedModules: true,
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
