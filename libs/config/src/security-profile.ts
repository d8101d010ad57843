import type { ParsedConfig } from './schema';

/**
 * Roles with administrative access in the sense of PCI DSS 8.4: the
 * administrator (operators, devices, keys) and the facility manager, who
 * administers who may open which door (cardholders, credentials, levels,
 * doors), the physical access to the card-data rooms (requirement 9).
 */
export const PCI_ADMINISTRATIVE_ROLES = ['admin', 'facility-manager'] as const;

type Auth = ParsedConfig['auth'];

interface Minimum<K extends keyof Auth> {
  key: K;
  requirement: string;
  /** The minimum in words, for the refusal. */
  rule: string;
  meets(value: Auth[K]): boolean;
  /** What a value the site left at its default becomes under the profile. */
  raise(value: Auth[K]): Auth[K];
}

const minimum = <K extends keyof Auth>(m: Minimum<K>) => m as unknown as Minimum<keyof Auth>;

/**
 * The PCI DSS v4.0 minimums the gateway enforces. Requirement 9.3.4 (visitor
 * log kept at least three months) joins this list with the visitor retention
 * key, when visitor records arrive; the gateway keeps none yet.
 */
const PCI_MINIMUMS = [
  minimum({
    key: 'sessionIdleMinutes',
    requirement: '8.2.8',
    rule: 'at most 15 minutes of idle session',
    meets: (v) => v <= 15,
    raise: () => 15,
  }),
  minimum({
    key: 'lockoutThreshold',
    requirement: '8.3.4',
    rule: 'a lockout after at most 10 failed attempts',
    meets: (v) => v <= 10,
    raise: () => 10,
  }),
  minimum({
    key: 'lockoutMinutes',
    requirement: '8.3.4',
    rule: 'a lockout of at least 30 minutes',
    meets: (v) => v >= 30,
    raise: () => 30,
  }),
  minimum({
    key: 'passwordMinLength',
    requirement: '8.3.6',
    rule: 'passwords of at least 12 characters',
    meets: (v) => v >= 12,
    raise: () => 12,
  }),
  minimum({
    key: 'totpRequiredRoles',
    requirement: '8.4',
    rule: `a second factor for every role with administrative access (${PCI_ADMINISTRATIVE_ROLES.join(', ')})`,
    meets: (v) => PCI_ADMINISTRATIVE_ROLES.every((r) => v.includes(r)),
    raise: (v) => [...new Set([...v, ...PCI_ADMINISTRATIVE_ROLES])],
  }),
];

/**
 * Applies `security.profile`. Under `pci`, a value the site left at its default
 * is raised to the minimum, and a weaker value the site set is refused, naming
 * the key, the value and the requirement. `standard` changes nothing.
 */
export const applySecurityProfile = (
  config: ParsedConfig,
  setBySite: (path: string) => string | undefined,
): { config: ParsedConfig; problems: string[] } => {
  if (config.security.profile !== 'pci') return { config, problems: [] };
  const auth: Auth = { ...config.auth };
  const problems: string[] = [];
  for (const m of PCI_MINIMUMS) {
    const value = auth[m.key];
    if (m.meets(value)) continue;
    const path = `auth.${m.key}`;
    const origin = setBySite(path);
    if (origin === undefined) (auth as Record<string, unknown>)[m.key] = m.raise(value);
    else
      problems.push(
        `${path}: ${JSON.stringify(value)} is weaker than security.profile pci allows: PCI DSS ${m.requirement} asks for ${m.rule} (from ${origin})`,
      );
  }
  return { config: { ...config, auth }, problems };
};
