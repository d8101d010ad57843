import { framedBanner, prettyLogLine } from './terminal';

describe('what a terminal shows', () => {
  it('writes a pino line in words: time, level, message, then the fields', () => {
    const time = new Date(2026, 5, 1, 14, 2, 11).getTime();
    const line = JSON.stringify({
      level: 40,
      time,
      pid: 1,
      hostname: 'h',
      service: 'gatehouse',
      msg: 'door unknown',
      door: 'lobby',
      detail: 'two words',
      n: 3,
    });
    expect(prettyLogLine(line, false)).toBe(
      '14:02:11 WARN  door unknown door=lobby detail="two words" n=3\n',
    );
    expect(prettyLogLine(line, true)).toContain('\x1b[33mWARN \x1b[0m');
  });

  it('keeps a line that is not JSON as it is', () => {
    expect(prettyLogLine('plain text', true)).toBe('plain text\n');
  });

  it('frames the banner for a terminal, the address and the token on lines of their own', () => {
    const lines = ['Gatehouse (Site) is ready. Console: http://127.0.0.1:8080/', '  BOOTSTRAP TOKEN: abc123'];
    const framed = framedBanner(lines).join('\n');
    expect(framed).toContain('═'.repeat(20));
    expect(framed).toContain('\n  BOOTSTRAP TOKEN: abc123\n');
    expect(/BOOTSTRAP TOKEN: (\S+)/.exec(framed)![1]).toBe('abc123');
    expect(/Console: (\S+)/.exec(framed)![1]).toBe('http://127.0.0.1:8080/');
  });
});
