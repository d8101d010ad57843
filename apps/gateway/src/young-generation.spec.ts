import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { YOUNG_GENERATION_FLAG, youngGenerationBounded } from './young-generation';

describe('the bound on the young generation', () => {
  it('is seen on the command line or in NODE_OPTIONS, whatever its value', () => {
    expect(youngGenerationBounded([YOUNG_GENERATION_FLAG], '')).toBe(true);
    expect(youngGenerationBounded(['--expose-gc', '--max-semi-space-size=8'], '')).toBe(true);
    expect(youngGenerationBounded([], `--trace-warnings ${YOUNG_GENERATION_FLAG}`)).toBe(true);
  });

  it('is not taken from other flags', () => {
    expect(youngGenerationBounded([], '')).toBe(false);
    expect(youngGenerationBounded(['--max-old-space-size=512', '--min-semi-space-size=2'], '')).toBe(false);
  });

  it('is on the commands that run the gateway: npm start and npm run bench', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toContain(`node ${YOUNG_GENERATION_FLAG} dist/apps/gateway/src/main.js`);
    expect(pkg.scripts['bench']).toContain(YOUNG_GENERATION_FLAG);
  });
});
