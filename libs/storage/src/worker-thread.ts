import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The entry that loads a `.ts` worker module from the sources (see the file). */
const FROM_SOURCES = join(__dirname, 'worker-from-sources.js');

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
    argv: [...(options.argv ?? []), source, require.resolve('typescript')],
  });
};
