/**
 * Event kinds as people group them, each the journal categories (an entry
 * type's first segment) it stands for. A role sees only its categories; the
 * server filters, so a kind a role cannot see simply finds nothing.
 */
export interface EventKind {
  id: string;
  label: string;
  categories: readonly string[];
}

export const EVENT_KINDS: readonly EventKind[] = [
  { id: 'access', label: 'Card and PIN decisions', categories: ['access'] },
  { id: 'doors', label: 'Doors and lockdowns', categories: ['door', 'lockdown'] },
  { id: 'alarms', label: 'Alarms', categories: ['alarm'] },
  { id: 'devices', label: 'Readers and sensors', categories: ['reader', 'sensor', 'device', 'camera'] },
  {
    id: 'people',
    label: 'People and cards',
    categories: ['cardholder', 'credential', 'visitor', 'presence', 'directory'],
  },
  { id: 'site', label: 'Site set-up', categories: ['zone', 'level', 'schedule', 'group', 'holiday'] },
  { id: 'notes', label: 'Notes', categories: ['note'] },
  { id: 'operators', label: 'Sign-ins and operators', categories: ['auth', 'operator', 'token'] },
  { id: 'system', label: 'Journal and system', categories: ['journal', 'system', 'notification', 'privacy'] },
];

/** The `type` filter of the chosen kinds ("access.*,door.*"). */
export const typesOfKinds = (ids: readonly string[]): string[] =>
  EVENT_KINDS.filter((k) => ids.includes(k.id)).flatMap((k) => k.categories.map((c) => `${c}.*`));

/** The kind an entry type belongs to, for icons and the live page's filter. */
export const kindOf = (type: string): EventKind | undefined => {
  const category = type.split('.', 1)[0] ?? type;
  return EVENT_KINDS.find((k) => k.categories.includes(category));
};

/** Whether `type` matches a `type` filter of exact types and `prefix.*` patterns. */
export const typeMatches = (type: string, patterns: readonly string[]): boolean =>
  patterns.length === 0 ||
  patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : type === p));
