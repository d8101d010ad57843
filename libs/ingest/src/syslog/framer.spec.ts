import { type FramerOutput, SyslogFramer } from './framer';

const frames = (outputs: FramerOutput[]): string[] =>
  outputs.map((out) =>
    'frame' in out ? out.frame.toString() : 'rejected' in out ? `!${out.rejected}` : `!!${out.fatal}`,
  );

const octet = (message: string): string => `${Buffer.byteLength(message)} ${message}`;

describe('SyslogFramer', () => {
  it('splits several octet-counted frames in one read', () => {
    const framer = new SyslogFramer(1024);
    expect(
      frames(framer.push(Buffer.from(octet('<13>1 a') + octet('<13>1 bb') + octet('<13>1 ccc')))),
    ).toEqual(['<13>1 a', '<13>1 bb', '<13>1 ccc']);
  });

  it('joins a frame split across reads, at every possible split point', () => {
    const stream = Buffer.from(octet('<13>1 first\n') + '<14>second line\n' + octet('<15>1 thïrd'));
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new SyslogFramer(1024);
      const out = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(frames(out)).toEqual(['<13>1 first\n', '<14>second line', '<15>1 thïrd']);
      expect(framer.pendingBytes).toBe(0);
    }
  });

  it('takes newline frames, dropping a CR before the LF', () => {
    expect(frames(new SyslogFramer(1024).push(Buffer.from('<13>a\r\n<13>b\n')))).toEqual(['<13>a', '<13>b']);
  });

  it('drops an oversize octet-counted frame, counts it, and reads on after it', () => {
    const framer = new SyslogFramer(10);
    const big = `<13>${'x'.repeat(40)}`;
    const out = [
      ...framer.push(Buffer.from(octet(big).slice(0, 20))),
      ...framer.push(Buffer.from(octet(big).slice(20) + octet('<13>ok'))),
    ];
    expect(frames(out)).toEqual(['!oversize', '<13>ok']);
    expect(framer.pendingBytes).toBe(0);
  });

  it('drops an oversize newline frame without holding it, and reads on after its LF', () => {
    const framer = new SyslogFramer(10);
    const out = [
      ...framer.push(Buffer.from('<13>' + 'y'.repeat(30))),
      ...framer.push(Buffer.from('y'.repeat(1000))),
      ...framer.push(Buffer.from('yy\n<13>ok\n')),
    ];
    expect(frames(out)).toEqual(['!oversize', '<13>ok']);
    expect(framer.pendingBytes).toBe(0);
  });

  it.each([
    ['a count followed by no space', '12<13>1 abc'],
    ['a count with a leading zero', '05 <13>'],
    ['a count of more than ten digits', '123456789012 <13>'],
  ])('gives up on the stream at %s', (_what, text) => {
    expect(frames(new SyslogFramer(1024).push(Buffer.from(text)))).toEqual(['!!bad-octet-count']);
  });

  it('at the end: a last newline frame without LF is a frame, a cut octet-counted frame is truncated', () => {
    const newline = new SyslogFramer(1024);
    newline.push(Buffer.from('<13>last words'));
    expect(newline.finish()).toEqual({ frame: Buffer.from('<13>last words') });
    const counted = new SyslogFramer(1024);
    counted.push(Buffer.from('50 <13>1 cut'));
    expect(counted.finish()).toEqual({ truncated: 12 });
  });

  it('never throws and never holds more than the limit plus one read, whatever the bytes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let run = 0; run < 200; run++) {
      const framer = new SyslogFramer(256);
      for (let read = 0; read < 20; read++) {
        const chunk = Buffer.alloc(Math.floor(random() * 300));
        for (let i = 0; i < chunk.length; i++) {
          // Bias towards the bytes framing cares about.
          const pick = random();
          chunk[i] =
            pick < 0.1
              ? 0x0a
              : pick < 0.3
                ? 0x30 + Math.floor(random() * 10)
                : pick < 0.35
                  ? 0x20
                  : Math.floor(random() * 256);
        }
        const out = framer.push(chunk);
        expect(framer.pendingBytes).toBeLessThanOrEqual(256 + 300);
        if (out.some((o) => 'fatal' in o)) break;
      }
    }
  });
});
