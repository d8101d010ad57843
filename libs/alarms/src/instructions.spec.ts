import { DEFAULT_INSTRUCTIONS, instructionsFor } from './instructions';

describe('alarm instructions', () => {
  it("uses the site's text for a type, else the built-in one, else a general one", () => {
    const site = { 'forced-open': 'Call the duty manager on 2222' };
    expect(instructionsFor('forced-open', site)).toBe('Call the duty manager on 2222');
    expect(instructionsFor('held-open', site)).toBe(DEFAULT_INSTRUCTIONS['held-open']);
    expect(instructionsFor('something-new')).toMatch(/^Check the place/);
  });

  it('says a soft anti-passback grant is informational, and reads no inherited property as a type', () => {
    expect(instructionsFor('anti-passback')).toMatch(/^Informational/);
    expect(instructionsFor('constructor')).toMatch(/^Check the place/);
    expect(instructionsFor('toString', {})).toMatch(/^Check the place/);
  });
});
