import type * as ts from 'typescript';

/** Types of lib-imports.js (plain JavaScript: the build runs it before anything is compiled). */
export declare const libSpecifier: (specifier: string, fromFile: string, root: string) => string | undefined;
export declare const libImportsTransformer: (root: string) => ts.TransformerFactory<ts.SourceFile>;
