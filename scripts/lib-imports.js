// @ts-check
const { existsSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');
const ts = require('typescript');

/**
 * Sources import the libraries as `@gatehouse/<lib>` (tsconfig's `paths`; jest's
 * moduleNameMapper). Node has no such package, so the build writes each of those
 * imports as the relative path it stands for. The build mirrors the source tree
 * under `dist/` (rootDir is the repository), so the path between two source files
 * is the path between their compiled files too.
 */
const PREFIX = '@gatehouse/';

/**
 * The relative specifier for `specifier` as seen from `fromFile`, or undefined
 * when it is not one of ours. Throws on an `@gatehouse/` name with no library
 * behind it, so that a typo fails the build instead of the start.
 *
 * @param {string} specifier
 * @param {string} fromFile absolute path of the importing source file
 * @param {string} root the repository (where `libs/` is)
 * @returns {string | undefined}
 */
const libSpecifier = (specifier, fromFile, root) => {
  if (!specifier.startsWith(PREFIX)) return undefined;
  const lib = specifier.slice(PREFIX.length);
  if (!/^[a-z0-9-]+$/.test(lib)) throw new Error(`${fromFile}: ${specifier} is not @gatehouse/<lib>`);
  const target = join(root, 'libs', lib, 'src');
  if (!existsSync(join(target, 'index.ts'))) throw new Error(`${fromFile}: no library behind ${specifier}`);
  const path = relative(dirname(fromFile), target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
};

/**
 * An `after` transformer: it runs once TypeScript has turned the module into
 * CommonJS, so every import that survived (type-only ones are gone by then) is
 * a `require("…")` call, dynamic `import()` included. Rewriting only those
 * string literals leaves TypeScript's own import elision and source maps alone.
 *
 * @param {string} root the repository
 * @returns {ts.TransformerFactory<ts.SourceFile>}
 */
const libImportsTransformer = (root) => (context) => (file) => {
  /** @type {(node: ts.Node) => ts.Node} */
  const visit = (node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require' &&
      node.arguments.length === 1
    ) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) {
        const rewritten = libSpecifier(argument.text, file.fileName, root);
        if (rewritten !== undefined)
          return context.factory.updateCallExpression(node, node.expression, node.typeArguments, [
            context.factory.createStringLiteral(rewritten),
          ]);
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return /** @type {ts.SourceFile} */ (ts.visitNode(file, visit));
};

module.exports = { libImportsTransformer, libSpecifier };
