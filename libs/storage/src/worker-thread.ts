import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Run from the TypeScript sources (ts-jest), a worker's module is a `.ts` file
 * that a worker thread cannot load: this thread code (plain JavaScript, it runs
 * before any loader) teaches `require` to transpile `.ts` with the TypeScript
 * compiler, a dev dependency and so present wherever the sources are, then
 * loads the worker's module. Its arguments come last in `process.argv`.
 */
const FROM_SOURCES = `
const { readFileSync } = require('node:fs');
const [source, compiler] = process.argv.slice(-2);
const ts = require(compiler);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
require(source);
`;

/**
 * Starts the worker thread whose module is `<dir>/<name>.ts`: from the build,
 * its compiled `<name>.js`; from the sources, the `.ts` itself, transpiled as
 * it loads (see FROM_SOURCES). Either way the worker runs the same code. Only
 * for modules that import no `@gatehouse/` library: the sources have no path
 * mapping at run time, only the build resolves those.
 */
export const startWorker = (dir: string, name: string, options: WorkerOptions): Worker => {
  const compiled = join(dir, `${name}.js`);
  if (existsSync(compiled)) return new Worker(compiled, options);
  const source = join(dir, `${name}.ts`);
  if (!existsSync(source)) throw new Error(`no worker module ${name} in ${dir}`);
  return new Worker(FROM_SOURCES, {
    ...options,
    eval: true,
    argv: [...(options.argv ?? []), source, require.resolve('typescript')],
  });
};
