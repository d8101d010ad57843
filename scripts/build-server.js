// @ts-check
/**
 * `tsc -p tsconfig.build.json`, with one step more: `@gatehouse/<lib>` imports
 * are written as relative paths in the emitted JavaScript (see lib-imports.js),
 * so the build runs on plain Node with no path mapping at run time, worker
 * threads included. Same diagnostics and exit status as tsc.
 */
const { join } = require('node:path');
const ts = require('typescript');
const { libImportsTransformer } = require('./lib-imports');

const root = join(__dirname, '..');
const project = join(root, 'tsconfig.build.json');

const host = {
  getCanonicalFileName: (/** @type {string} */ name) => name,
  getCurrentDirectory: () => root,
  getNewLine: () => ts.sys.newLine,
};
/** @param {readonly ts.Diagnostic[]} diagnostics */
const report = (diagnostics) => {
  if (diagnostics.length > 0)
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host) + ts.sys.newLine);
};

/** @type {ts.Diagnostic[]} */
const configErrors = [];
const config = ts.getParsedCommandLineOfConfigFile(
  project,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => configErrors.push(diagnostic),
  },
);
if (!config || configErrors.length > 0 || config.errors.length > 0) {
  report([...configErrors, ...(config?.errors ?? [])]);
  process.exit(1);
}

const program = ts.createProgram({
  rootNames: config.fileNames,
  options: config.options,
  projectReferences: config.projectReferences,
});
const before = ts.getPreEmitDiagnostics(program);
if (before.length > 0) {
  // tsc would still write the files (and exit 1); a build that fails its type check writes nothing here.
  report(before);
  process.exit(1);
}
try {
  const emitted = program.emit(undefined, undefined, undefined, false, {
    after: [libImportsTransformer(root)],
  });
  report(emitted.diagnostics);
  process.exit(emitted.emitSkipped || emitted.diagnostics.length > 0 ? 1 : 0);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
