import { printedCardMatches, type SiteLookup } from '@gatehouse/access';
import { hiddenProperties, may } from '@gatehouse/auth';
import type { Role } from '@gatehouse/auth';
import { readerLabel, type NameLookup } from '@gatehouse/journal';
import type { CardMatch, DoorMatch, PersonMatch } from './views';

/**
 * What of the site's names a role may learn from the journal search and its
 * suggestions (permissions.ts): people by name with `cardholders.read`, cards
 * with the `credentials` field, doors with the site or the door board, zones
 * with the site or presence. A name a role may not see is neither shown nor
 * searchable: a search that finds by it would reveal it.
 */
export const nameRights = (roles: readonly Role[]) => ({
  people: may(roles, 'cardholders.read'),
  cards: !hiddenProperties(roles).has('credentials'),
  doors: may(roles, 'site.read') || may(roles, 'doors.board'),
  zones: may(roles, 'site.read') || may(roles, 'presence.read'),
});
export type NameRights = ReturnType<typeof nameRights>;

export type { CardMatch, DoorMatch, PersonMatch };

const readerName = (r: { door: { name: string }; direction: string } | undefined) =>
  r && readerLabel(r.door.name, r.direction);
const cardText = (c: { format: string; number: string }) => `${c.format} ${c.number}`;
const contains = (value: string, needle: string) => value.toLowerCase().includes(needle);

/**
 * The site's names as one caller may see them, read from the decision index
 * (in memory, as fresh as the records): the lookup that resolves an entry's
 * subjects, and the matching of typed names and printed card numbers.
 */
export class SiteNames {
  constructor(
    private readonly index: SiteLookup,
    readonly rights: NameRights,
  ) {}

  lookup(): NameLookup {
    const { index, rights } = this;
    const zone = (id: string) => index.zones.get(id)?.name;
    return {
      ...(rights.people ? { person: (id: string) => index.cardholders.get(id)?.name } : {}),
      ...(rights.doors ? { door: (id: string) => index.doors.get(id)?.name } : {}),
      ...(rights.zones ? { zone } : {}),
      // A reader by its door and direction, "Front door entry reader": a door has two.
      ...(rights.doors ? { reader: (id: string) => readerName(index.readers.get(id)) } : {}),
      ...(rights.cards
        ? {
            card: (id: string) => {
              const c = index.credentialsById.get(id);
              return c && cardText(c);
            },
          }
        : {}),
    };
  }

  /** People whose name holds `text` (any case), by name. */
  people(text: string): PersonMatch[] {
    if (!this.rights.people) return [];
    return this.index
      .searchCardholders({ text: text.toLowerCase(), fields: ['name'] })
      .map((c) => ({ id: c.id, name: c.name }));
  }

  /** Doors whose name holds `text` or whose id is `text`, by name. */
  doors(text: string): DoorMatch[] {
    if (!this.rights.doors) return [];
    const needle = text.toLowerCase();
    return [...this.index.doors.values()]
      .filter((d) => contains(d.name, needle) || d.id === text)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((d) => ({
        id: d.id,
        name: d.name,
        zone: this.rights.zones ? (this.index.zones.get(d.zoneIn)?.name ?? null) : null,
      }));
  }

  /** Cards that are the number printed on a badge (or, with `prefix`, could become it while typing). */
  cards(printed: string, prefix = false): CardMatch[] {
    if (!this.rights.cards) return [];
    const found: CardMatch[] = [];
    for (const c of this.index.credentialsById.values()) {
      if (!printedCardMatches(c, printed, prefix)) continue;
      const person = this.rights.people ? (this.index.cardholders.get(c.cardholderId)?.name ?? null) : null;
      found.push({ id: c.id, card: cardText(c), person });
    }
    return found.sort((a, b) => a.card.localeCompare(b.card));
  }
}
