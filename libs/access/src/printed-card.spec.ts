import { printedCardMatches } from './printed-card';

const h10301 = { format: 'H10301' as const, number: '12:345' };
const h10302 = { format: 'H10302' as const, number: '123456789' };
const raw = { format: 'raw' as const, number: '26:864383c0' };
const pin = { format: 'pin-only' as const, number: '345' };

describe('a card number as printed on a badge', () => {
  it('finds a card with a facility code by its card number alone, with or without leading zeros', () => {
    expect(printedCardMatches(h10301, '345')).toBe(true);
    expect(printedCardMatches(h10301, ' 00345 ')).toBe(true);
    expect(printedCardMatches(h10301, '34')).toBe(false);
    expect(printedCardMatches(h10301, '12')).toBe(false);
  });

  it('finds it by facility and card in the ways badges write them, and refuses another facility', () => {
    for (const written of ['12:345', '12-345', '12 345', '012/0345']) {
      expect(printedCardMatches(h10301, written)).toBe(true);
    }
    expect(printedCardMatches(h10301, '13-345')).toBe(false);
    expect(printedCardMatches(h10302, '1-123456789')).toBe(false);
  });

  it('finds a card as the console prints it, its format first, and only among cards of that format', () => {
    expect(printedCardMatches(h10301, 'H10301 12:345')).toBe(true);
    expect(printedCardMatches(h10301, 'h10301  12:0345')).toBe(true);
    expect(printedCardMatches(h10301, 'H10302 12:345')).toBe(false);
    expect(printedCardMatches(h10302, 'H10302 123456789')).toBe(true);
    expect(printedCardMatches(raw, 'raw 26:864383c0')).toBe(true);
    expect(printedCardMatches(h10301, 'H10301 12:3', true)).toBe(true);
    expect(printedCardMatches(pin, 'pin-only 345')).toBe(false);
  });

  it('matches numbers being typed only when asked for suggestions', () => {
    expect(printedCardMatches(h10301, '34', true)).toBe(true);
    expect(printedCardMatches(h10301, '12-', true)).toBe(true);
    expect(printedCardMatches(h10301, '12-3', true)).toBe(true);
    expect(printedCardMatches(h10301, '12-4', true)).toBe(false);
    expect(printedCardMatches(h10302, '1234', true)).toBe(true);
  });

  it('finds a raw reading by its hex, in any case', () => {
    expect(printedCardMatches(raw, '864383C0')).toBe(true);
    expect(printedCardMatches(raw, '86 43 83 c0')).toBe(true);
    expect(printedCardMatches(raw, '8643', true)).toBe(true);
    expect(printedCardMatches(raw, '8643')).toBe(false);
  });

  it('never matches a PIN-only code (typed on a keypad, not printed) nor an empty search', () => {
    expect(printedCardMatches(pin, '345')).toBe(false);
    expect(printedCardMatches(h10301, '   ')).toBe(false);
  });
});
