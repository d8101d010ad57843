import { SourceAllowList } from './allow-list';

describe('SourceAllowList', () => {
  const list = new SourceAllowList(['10.1.0.0/16', '192.0.2.7', '2001:db8::/32', '127.0.0.1/32']);

  it.each([
    ['10.1.200.3', true],
    ['10.2.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['::ffff:10.1.0.9', true],
    ['::ffff:10.9.0.9', false],
    ['2001:db8:1::5', true],
    ['2001:db9::5', false],
    ['127.0.0.1', true],
    ['not an address', false],
    [undefined, false],
  ])('%s allowed: %s', (address, allowed) => {
    expect(list.allows(address)).toBe(allowed);
  });

  it('allows nobody when empty (deny by default)', () => {
    expect(new SourceAllowList([]).allows('127.0.0.1')).toBe(false);
  });

  it.each([['10.0.0.0/33'], ['10.0.0.0/8/1'], ['example.com'], ['10.0.0.0/x'], ['::1/129']])(
    'refuses the entry %s',
    (entry) => {
      expect(() => new SourceAllowList([entry])).toThrow();
    },
  );
});
