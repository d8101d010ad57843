import type { TextNameMatch } from '@gatehouse/api';
import { meantName, namedInWords, type NamesOffer } from './text-names';

const door: TextNameMatch = { kind: 'door', id: 'front', name: 'Front door', zone: 'Lobby' };
const ann: TextNameMatch = { kind: 'person', id: 'p1', name: 'Ann Frost' };
const offer = (text: string, names: TextNameMatch[], found: number): NamesOffer => ({
  text,
  names,
  count: names.length,
  found,
});

describe('what a typed text names in the journal search', () => {
  it('says a door with its zone and a person by name', () => {
    expect(namedInWords(door)).toBe('the door Front door (Lobby)');
    expect(namedInWords({ ...door, zone: null })).toBe('the door Front door');
    // A door named like the zone it leads into is said once, not "Server room (Server room)".
    expect(namedInWords({ ...door, name: 'Server room', zone: 'server room' })).toBe('the door Server room');
    expect(namedInWords(ann)).toBe('the person Ann Frost');
  });

  it("searches by a door typed by its exact name, though the text found the door's creation", () => {
    expect(meantName(offer('front DOOR ', [door], 1))).toBe(door);
  });

  it('searches by the one person or door a text names when the text found nothing', () => {
    expect(meantName(offer('frost', [ann], 0))).toBe(ann);
    expect(meantName(offer('front', [door], 0))).toBe(door);
  });

  it('only offers when the text names several, or names one in part and found entries of its own', () => {
    expect(meantName(offer('fro', [ann, door], 0))).toBeUndefined();
    expect(meantName(offer('front', [door], 3))).toBeUndefined();
    expect(meantName({ text: 'ann', names: [ann], count: 2, found: 0 })).toBeUndefined();
    expect(meantName(null)).toBeUndefined();
  });
});
