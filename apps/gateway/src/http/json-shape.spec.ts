import { jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_ITEMS } from './json-shape';

describe('jsonShapeProblem', () => {
  const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const items = (n: number) => JSON.stringify(Array.from({ length: n }, () => 0));

  it('accepts nesting up to the bound and refuses one level more', () => {
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH + 1))).toBe('too-deep');
  });

  it('counts objects and arrays alike', () => {
    expect(jsonShapeProblem('{"a":[{"b":[1]}]}', 3)).toBe('too-deep');
    expect(jsonShapeProblem('{"a":[{"b":[1]}]}', 4)).toBeNull();
  });

  it('counts items over the whole body, array elements and object members alike', () => {
    expect(jsonShapeProblem(items(MAX_JSON_ITEMS + 1))).toBeNull();
    expect(jsonShapeProblem(items(MAX_JSON_ITEMS + 2))).toBe('too-many-items');
    expect(jsonShapeProblem(JSON.stringify({ a: 1, b: 2, c: [1, 2] }), 64, 2)).toBe('too-many-items');
    const members = JSON.stringify(
      Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])),
    );
    expect(jsonShapeProblem(members)).toBe('too-many-items');
  });

  it('ignores brackets and commas inside strings, escaped quotes included', () => {
    expect(jsonShapeProblem(JSON.stringify({ text: '[[[[[[{{{{{,,,,,' }), 1, 0)).toBeNull();
    expect(jsonShapeProblem(JSON.stringify({ text: 'say \\"[[[[\\" and "{{{{"' }), 1)).toBeNull();
  });

  it('judges a megabyte of brackets without parsing it', () => {
    expect(jsonShapeProblem(nested(500_000))).toBe('too-deep');
  });
});
