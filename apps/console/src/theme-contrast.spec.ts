import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * WCAG AA for every text colour on the surfaces it is used on, in both themes,
 * read from the one token definition in styles.css (each colour a
 * light-dark() pair). axe-core checks the pages a browser test opens; this
 * checks the pairs no test page happens to show (a badge's state, a banner).
 */
const css = readFileSync(join(__dirname, 'styles.css'), 'utf8');
const tokens = { light: new Map<string, string>(), dark: new Map<string, string>() };
for (const m of css.matchAll(/--([a-z0-9-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)/gi)) {
  tokens.light.set(m[1]!, m[2]!);
  tokens.dark.set(m[1]!, m[3]!);
}

/** Relative luminance (WCAG 2.x). */
const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

/** Text token on background token, as styles.css (and desk.css) pair them. */
const PAIRS: [string, string][] = [
  ...['bg', 'panel', 'tint', 'hover', 'selected', 'warn-bg', 'alarm-bg', 'ok-bg'].map(
    (bg): [string, string] => ['ink', bg],
  ),
  ...['bg', 'panel', 'tint', 'hover', 'selected'].map((bg): [string, string] => ['muted', bg]),
  ...['bg', 'panel', 'tint', 'hover', 'selected'].map((bg): [string, string] => ['accent', bg]),
  ...['accent', 'danger', 'warn', 'ok'].map((bg): [string, string] => ['on-accent', bg]),
  ['ok', 'panel'],
  ['ok', 'bg'],
  ['ok', 'ok-bg'],
  ['danger', 'panel'],
  ['danger', 'bg'],
  ['danger', 'alarm-bg'],
  ['danger', 'hover'],
  ['warn', 'panel'],
  ['warn', 'bg'],
  ['warn', 'warn-bg'],
  ['grant', 'panel'],
  ['grant', 'grant-bg'],
  ['offline', 'panel'],
  ['offline', 'bg'],
  ['auth', 'panel'],
  ['on-stale', 'stale-bg'],
  ['nav-ink', 'nav-bg'],
  ['nav-ink', 'nav-active'],
  ['nav-link', 'nav-bg'],
];

describe('theme tokens', () => {
  it('defines every colour once, as a light and a dark value', () => {
    expect(tokens.light.size).toBeGreaterThan(20);
    // No second definition of a token (a media block or a [data-theme] copy) beside light-dark().
    for (const name of tokens.light.keys())
      expect({ name, definitions: css.split(`--${name}:`).length - 1 }).toEqual({ name, definitions: 1 });
  });

  it.each(['light', 'dark'] as const)(
    'passes WCAG AA (4.5:1) for each text colour in the %s theme',
    (theme) => {
      const failing = PAIRS.flatMap(([fg, bg]) => {
        const a = tokens[theme].get(fg);
        const b = tokens[theme].get(bg);
        if (!a || !b) return [`${fg} on ${bg}: a token is missing`];
        const ratio = contrast(a, b);
        return ratio < 4.5 ? [`${fg} on ${bg}: ${ratio.toFixed(2)}:1`] : [];
      });
      expect(failing).toEqual([]);
    },
  );

  it('computes the contrast WCAG gives for black on white and a known grey', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
