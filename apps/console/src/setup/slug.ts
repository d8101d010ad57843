/** The longest id the server takes (records' ID pattern: a letter or digit, then 63 more of [A-Za-z0-9._-]). */
export const MAX_ID_LENGTH = 64;

/**
 * An id made from a name, so nobody setting up a site has to invent one:
 * "Front door (east)" → "front-door-east", "Café Süd" → "cafe-sud". Letters
 * lose their accents, anything else becomes one dash. Empty when the name has
 * no letter or digit (the form then asks for an id under "Advanced").
 */
export const slugFromName = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_ID_LENGTH)
    .replace(/-+$/, '');
