import type { TextNameMatch } from '@gatehouse/api';

/**
 * What a searched free text names (people and doors: the journal holds their
 * ids, so the text itself finds none of their events), and how many entries
 * the text found.
 */
export interface NamesOffer {
  text: string;
  names: TextNameMatch[];
  count: number;
  found: number;
}

/**
 * A named record in words, for "Did you mean …?" and the notice: "the door
 * Front door (Lobby)". The zone only where it adds something: a door named
 * like its zone ("Server room" into "Server room") is said once.
 */
export const namedInWords = (n: TextNameMatch): string => {
  if (n.kind === 'person') return `the person ${n.name}`;
  const zone = n.zone && n.zone.trim().toLowerCase() !== n.name.trim().toLowerCase() ? ` (${n.zone})` : '';
  return `the door ${n.name}${zone}`;
};

/**
 * The one record a text surely means, to search by it at once: the text names
 * only it, and either found nothing by itself or is its name exactly ("Front
 * door" typed finds the door's creation only, never its events). Else
 * nothing, and the page offers the names instead.
 */
export const meantName = (offer: NamesOffer | null): TextNameMatch | undefined => {
  if (!offer || offer.count !== 1 || offer.names.length !== 1) return undefined;
  const only = offer.names[0]!;
  const exact = only.name.trim().toLowerCase() === offer.text.trim().toLowerCase();
  return offer.found === 0 || exact ? only : undefined;
};
