import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadMasterKey, MASTER_KEY_ENV, MasterKey, parseMasterKey } from './master-key';
import { problemOf } from '../test/problem-of';

describe('master key', () => {
  const raw = randomBytes(32);

  it('reads the same 32 bytes from hex, base64 and base64url', () => {
    const check = new MasterKey(raw).checkValue;
    for (const text of [
      raw.toString('hex'),
      raw.toString('hex').toUpperCase(),
      raw.toString('base64'),
      raw.toString('base64url'),
      ` ${raw.toString('base64')}\n`,
    ])
      expect(parseMasterKey(text, 'test').checkValue).toEqual(check);
  });

  it('names what is wrong with a bad key text', () => {
    expect(problemOf(() => parseMasterKey('', 'test'))).toBe('missing');
    expect(problemOf(() => parseMasterKey('not a key!', 'test'))).toBe('malformed');
    expect(problemOf(() => parseMasterKey(randomBytes(16).toString('hex'), 'test'))).toBe('wrong-length');
    expect(problemOf(() => parseMasterKey(randomBytes(31).toString('base64'), 'test'))).toBe('wrong-length');
    expect(() => parseMasterKey(randomBytes(16).toString('hex'), 'KEYFILE')).toThrow(
      /KEYFILE holds 16 bytes/,
    );
  });

  it('tells keys apart by check value without revealing the key', () => {
    const a = new MasterKey(raw);
    expect(a.checkValue).toEqual(new MasterKey(Buffer.from(raw)).checkValue);
    expect(a.checkValue).not.toEqual(MasterKey.generate().checkValue);
    expect(a.checkValue.includes(raw)).toBe(false);
  });

  it('never shows its bytes in JSON, inspection or string form', () => {
    const key = new MasterKey(raw);
    const shown = [JSON.stringify({ key }), inspect(key, { showHidden: true, depth: 5 }), String(key)];
    for (const text of shown) {
      expect(text).not.toContain(raw.toString('hex'));
      expect(text).not.toContain(raw.toString('base64'));
    }
    expect(JSON.stringify(key)).toBe('"[master key]"');
  });

  describe('loading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-master-'));
    const file = join(dir, 'master.key');
    writeFileSync(file, raw.toString('base64'), { mode: 0o600 });

    it('loads from the file or from the environment', () => {
      const expected = new MasterKey(raw).checkValue;
      expect(loadMasterKey({ file }).checkValue).toEqual(expected);
      expect(
        loadMasterKey({ file: join(dir, 'absent'), env: { [MASTER_KEY_ENV]: raw.toString('hex') } })
          .checkValue,
      ).toEqual(expected);
    });

    it('refuses when neither holds a key, and when both do', () => {
      expect(problemOf(() => loadMasterKey({ file: join(dir, 'absent'), env: {} }))).toBe('missing');
      expect(() => loadMasterKey({ file: join(dir, 'absent'), env: {} })).toThrow(/GATEHOUSE_MASTER_KEY/);
      expect(problemOf(() => loadMasterKey({ file, env: { [MASTER_KEY_ENV]: raw.toString('hex') } }))).toBe(
        'ambiguous',
      );
    });

    it('tightens a key file readable by others to 0600 and says so', () => {
      const loose = join(dir, 'loose.key');
      writeFileSync(loose, raw.toString('hex'));
      chmodSync(loose, 0o644);
      const warnings: string[] = [];
      loadMasterKey({ file: loose, warn: (m) => warnings.push(m) });
      expect(statSync(loose).mode & 0o777).toBe(0o600);
      expect(warnings).toEqual([expect.stringContaining('mode 644')]);
    });
  });
});
