// A worker thread's entry when the gateway runs from its TypeScript sources
// (ts-jest): a worker thread cannot load a `.ts` module, so this teaches
// `require` to transpile `.ts` with the TypeScript compiler (a dev dependency,
// present wherever the sources are), then loads the worker's module. Plain
// JavaScript because it runs before any loader; `startWorker` passes the
// module and the compiler's path as the last two arguments.
const { readFileSync } = require('node:fs');
const [source, compiler] = process.argv.slice(-2);
const ts = require(compiler);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  module._compile(outputText, filename);
};
require(source);
