import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { ErasedKeyError, openField, openFields, PersonKey, sealField, sealFields } from './person-key';

describe('person keys and sealed fields', () => {
  const raw = randomBytes(32);
  const alice = new PersonKey('p-alice', raw);

  it('opens what it sealed, and equal values seal differently', () => {
    const a = sealField(alice, 'name', 'Alice Müller');
    const b = sealField(alice, 'name', 'Alice Müller');
    expect(a).not.toBe(b);
    expect(a).not.toContain('Alice');
    expect(openField(alice, 'name', a)).toEqual({ ok: true, value: 'Alice Müller' });
    expect(openField(alice, 'name', sealField(alice, 'name', ''))).toEqual({ ok: true, value: '' });
  });

  it('binds a ciphertext to its person and field', () => {
    const sealed = sealField(alice, 'department', 'Finance');
    const sameKeyOtherPerson = new PersonKey('p-bob', raw);
    expect(openField(alice, 'name', sealed)).toEqual({ ok: false, reason: 'unreadable' });
    // The key keeps the additional data it last used: switching field and kind back and forth changes it.
    expect(openField(alice, 'department', sealed)).toEqual({ ok: true, value: 'Finance' });
    const named = sealField(alice, 'name', 'Alice');
    expect(openFields(alice, 'name', sealFields(alice, 'name', { name: 'A' }))).toMatchObject({ ok: true });
    expect(openField(alice, 'department', named)).toEqual({ ok: false, reason: 'unreadable' });
    expect(openField(alice, 'name', named)).toEqual({ ok: true, value: 'Alice' });
    expect(openFields(alice, 'name', named)).toEqual({ ok: false, reason: 'unreadable' });
    expect(openField(sameKeyOtherPerson, 'department', sealed)).toEqual({ ok: false, reason: 'unreadable' });
    expect(openField(PersonKey.generate('p-alice'), 'department', sealed)).toEqual({
      ok: false,
      reason: 'unreadable',
    });
  });

  it('refuses altered or foreign ciphertext', () => {
    const sealed = sealField(alice, 'name', 'Alice');
    const bytes = Buffer.from(sealed.slice(4), 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(openField(alice, 'name', `pf1.${bytes.toString('base64url')}`).ok).toBe(false);
    expect(openField(alice, 'name', 'Alice').ok).toBe(false);
    expect(openField(alice, 'name', 'pf1.').ok).toBe(false);
  });

  it('once destroyed, opens nothing and seals nothing', () => {
    const key = PersonKey.generate('p-carol');
    const sealed = sealField(key, 'name', 'Carol');
    key.destroy();
    expect(key.destroyed).toBe(true);
    expect(openField(key, 'name', sealed)).toEqual({ ok: false, reason: 'erased' });
    expect(() => sealField(key, 'name', 'Carol')).toThrow(ErasedKeyError);
  });

  it('never shows its bytes', () => {
    const shown = [
      JSON.stringify(alice),
      JSON.stringify({ ...alice }),
      inspect(alice, { showHidden: true, depth: 5 }),
      String(alice),
      JSON.stringify(structuredClone(alice)),
    ];
    for (const text of shown) {
      expect(text).not.toContain(raw.toString('hex'));
      expect(text).not.toContain(raw.toString('base64'));
    }
    expect(JSON.stringify(alice)).toBe('{"personId":"p-alice","key":"[hidden]"}');
  });

  it("seals a record's personal fields as one envelope bound to person and scope", () => {
    const fields = { name: 'Alice Müller', department: null, directoryAccount: 'CORP\\alice' };
    const sealed = sealFields(alice, 'cardholder', fields);
    expect(sealed).not.toContain('Alice');
    expect(openFields(alice, 'cardholder', sealed)).toEqual({ ok: true, fields });
    expect(openFields(alice, 'visitor', sealed)).toEqual({ ok: false, reason: 'unreadable' });
    expect(openFields(new PersonKey('p-bob', raw), 'cardholder', sealed)).toEqual({
      ok: false,
      reason: 'unreadable',
    });
    // A single field's ciphertext is not an envelope, nor the reverse, whatever the names.
    expect(openField(alice, 'cardholder', sealed).ok).toBe(false);
    expect(openFields(alice, 'name', sealField(alice, 'name', 'x')).ok).toBe(false);
    expect(openFields(alice, 'cardholder', sealField(alice, 'name', 'x')).ok).toBe(false);
  });
});
