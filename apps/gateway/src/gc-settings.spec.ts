import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The settings are checked on a live process, as the collector traces its own
 * work (`--trace-gc-nvp`): after `applyGcSettings`, no scavenge hands work to
 * helper threads. The same load without it shows helper time, so the check can
 * tell the two apart on this machine.
 */
const scavengeHelperMs = (dir: string, apply: boolean): number[] => {
  const module = join(dir, 'gc-settings.js');
  // Young objects that live long enough to be copied: what makes a scavenge worth splitting.
  const load = `
    ${apply ? `require(${JSON.stringify(module)}).applyGcSettings();` : ''}
    let kept = [];
    for (let i = 0; i < 4e6; i++) {
      const o = { a: i, b: 'x' + i };
      if (i % 3 === 0) kept.push(o);
      if (kept.length > 200000) kept = [];
    }`;
  const trace = execFileSync(process.execPath, ['--trace-gc-nvp', '-e', load], { encoding: 'utf8' });
  return [...trace.matchAll(/gc=s .*?background\.scavenge\.parallel=([\d.]+)/g)].map((m) => Number(m[1]));
};

describe('gc settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-gc-settings-'));
    const source = readFileSync(join(__dirname, 'gc-settings.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, 'gc-settings.js'), outputText);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes every scavenge run on the event-loop thread alone', () => {
    const applied = scavengeHelperMs(dir, true);
    expect(applied.length).toBeGreaterThan(5);
    expect(applied.filter((ms) => ms > 0)).toEqual([]);
  });

  it('is what changes it: the same load without it uses helper threads', () => {
    const helpers = scavengeHelperMs(dir, false).filter((ms) => ms > 0);
    expect(helpers.length).toBeGreaterThan(0);
  });
});
