import { join } from 'node:path';
import * as ts from 'typescript';
import { libImportsTransformer, libSpecifier } from './lib-imports';

const root = join(__dirname, '..');

/** Compiles `source` as the build does (CommonJS, the repository's options) with the transformer after it. */
const emit = (source: string, file: string): string =>
  ts.transpileModule(source, {
    fileName: join(root, file),
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    transformers: { after: [libImportsTransformer(root)] },
  }).outputText;

const required = (js: string): string[] => [...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);

describe('@gatehouse/<lib> imports in the build', () => {
  it('become the relative path to the library from the importing file', () => {
    expect(libSpecifier('@gatehouse/journal', join(root, 'apps/gateway/src/api/x.ts'), root)).toBe(
      '../../../../libs/journal/src',
    );
    expect(libSpecifier('@gatehouse/contracts', join(root, 'libs/journal/src/journal.ts'), root)).toBe(
      '../../contracts/src',
    );
    expect(libSpecifier('@gatehouse/storage', join(root, 'bench/run.ts'), root)).toBe('../libs/storage/src');
  });

  it('leave every other specifier alone', () => {
    expect(libSpecifier('node:path', join(root, 'bench/run.ts'), root)).toBeUndefined();
    expect(libSpecifier('./core', join(root, 'bench/run.ts'), root)).toBeUndefined();
    expect(libSpecifier('@nestjs/common', join(root, 'bench/run.ts'), root)).toBeUndefined();
  });

  it('fail the build for a library that does not exist or a path inside one', () => {
    expect(() => libSpecifier('@gatehouse/nosuchlib', join(root, 'bench/run.ts'), root)).toThrow(
      /no library behind @gatehouse\/nosuchlib/,
    );
    expect(() => libSpecifier('@gatehouse/journal/src/journal', join(root, 'bench/run.ts'), root)).toThrow(
      /is not @gatehouse\/<lib>/,
    );
  });

  it('rewrites imports, re-exports, dynamic imports and import-require, and keeps type-only imports out', () => {
    const js = emit(
      [
        "import { Journal } from '@gatehouse/journal';",
        "import type { Clock } from '@gatehouse/contracts';",
        "import * as storage from '@gatehouse/storage';",
        "import config = require('@gatehouse/config');",
        "import { join } from 'node:path';",
        "export { ReadPool } from '@gatehouse/storage';",
        "export * from '@gatehouse/osdp';",
        'export const use = (c: Clock) => [Journal, storage, config, join, c];',
        "export const later = () => import('@gatehouse/auth');",
      ].join('\n'),
      'apps/cli/src/main.ts',
    );
    expect(required(js).sort()).toEqual(
      [
        '../../../libs/journal/src',
        '../../../libs/storage/src',
        '../../../libs/storage/src',
        '../../../libs/config/src',
        'node:path',
        '../../../libs/osdp/src',
        '../../../libs/auth/src',
      ].sort(),
    );
    expect(js).not.toContain('@gatehouse/');
  });

  it('leaves a require of a computed name alone', () => {
    const js = emit("const name = '@gatehouse/journal';\nexport const m = require(name);", 'bench/run.ts');
    expect(js).toContain('require(name)');
  });
});
