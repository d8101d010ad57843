/// <reference types="jest" />
import { siteDateTime, siteLocalToIso } from './zone-time';

describe('times in the site zone, whatever the browser zone', () => {
  it('reads an instant as the site clocks showed it', () => {
    expect(siteDateTime('2026-06-01T10:00:05.000Z', 'Europe/London')).toBe('2026-06-01 11:00:05');
    expect(siteDateTime('2026-01-15T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-01-16 00:30:00');
    expect(siteDateTime('2026-01-15T23:30:00.000Z', 'America/New_York')).toBe('2026-01-15 18:30:00');
    expect(siteDateTime('not a time', 'Europe/London')).toBe('not a time');
  });

  it('takes a typed site time to the instant it names, on both sides of a clock change', () => {
    expect(siteLocalToIso('2026-06-01T09:00', 'Europe/London')).toBe('2026-06-01T08:00:00.000Z');
    expect(siteLocalToIso('2026-01-10T09:00', 'Europe/London')).toBe('2026-01-10T09:00:00.000Z');
    expect(siteLocalToIso('2026-03-29T00:30', 'Europe/Berlin')).toBe('2026-03-28T23:30:00.000Z');
    expect(siteLocalToIso('2026-03-29T03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(siteLocalToIso('2026-10-25T12:00:30', 'Asia/Kolkata')).toBe('2026-10-25T06:30:30.000Z');
  });

  it('refuses what is not a date and time', () => {
    for (const bad of ['', '2026-06-01', '09:00', '2026-06-01 09:00', '2026-06-01T09:00Z'])
      expect(siteLocalToIso(bad, 'Europe/London')).toBeNull();
  });
});
