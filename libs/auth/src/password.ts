import argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { SITE_WEAK_WORDS } from './site-weak-passwords';

/**
 * argon2id with OWASP's recommended minimum (19 MiB memory, 2 passes, 1 lane):
 * about 30 ms on the gateway's class of CPU, so a sign-in stays quick while an
 * offline guess costs the same memory. The parameters live in the hash string,
 * so raising them later re-hashes at the next sign-in.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const hashSecret = (secret: string): Promise<string> => argon2.hash(secret, ARGON2_OPTIONS);

export const verifySecret = async (hash: string, secret: string): Promise<boolean> => {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false;
  }
};

export const needsRehash = (hash: string): boolean => argon2.needsRehash(hash, ARGON2_OPTIONS);

// A hash of nothing anyone knows: sign-ins for unknown names verify against it
// so they take as long as real ones and do not reveal which names exist.
let dummyHash: Promise<string> | undefined;
export const burnVerification = async (secret: string): Promise<void> => {
  dummyHash ??= hashSecret(`unused-${Math.random()}`);
  await verifySecret(await dummyHash, secret);
};

const COMMON = new Set<string>([...(dictionary['passwords-common'] as string[]), ...SITE_WEAK_WORDS]);
export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordPolicy {
  minLength: number;
  /** Both letters and digits (PCI DSS 8.3.6); passphrases of words and a number pass. */
  lettersAndDigits?: boolean;
}

/**
 * The site's password policy from its configuration: the security profile
 * `pci` asks for letters and digits (PCI DSS 8.3.6).
 */
export const sitePasswordPolicy = (passwordMinLength: number, securityProfile: string): PasswordPolicy => ({
  minLength: passwordMinLength,
  lettersAndDigits: securityProfile === 'pci',
});

/** GET /api/v1/auth/password-policy: the limits a form enforces, and the rules in words to show. */
export interface PasswordPolicyView {
  minLength: number;
  maxLength: number;
  lettersAndDigits: boolean;
  rules: string[];
}

/**
 * The rules of {@link passwordProblems} in words, for a form to show before a
 * password is chosen (issue 11, item 10): the same policy, the same limits.
 */
export const passwordRules = (policy: PasswordPolicy): PasswordPolicyView => ({
  minLength: policy.minLength,
  maxLength: MAX_PASSWORD_LENGTH,
  lettersAndDigits: policy.lettersAndDigits === true,
  rules: [
    `at least ${policy.minLength} characters (a passphrase of a few words is easiest)`,
    `at most ${MAX_PASSWORD_LENGTH} characters`,
    ...(policy.lettersAndDigits ? ['both letters and digits'] : []),
    'not a commonly used or breached password',
    'not one short pattern repeated',
    'not containing your user name or display name',
  ],
});

/** Reasons the password is refused; empty when it is acceptable. Never includes the password. */
export const passwordProblems = (
  password: string,
  policy: PasswordPolicy,
  context: string[] = [],
): string[] => {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  if (policy.lettersAndDigits && !(/\p{L}/u.test(password) && /\p{Nd}/u.test(password)))
    problems.push('must contain both letters and digits');
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON.has(lower) || COMMON.has(stem) || COMMON.has(lower.replace(/\s+/g, ''))) {
    problems.push('is a commonly used or breached password');
  }
  if (/^(.)\1+$/u.test(password) || /^(.{1,3})\1+$/u.test(password)) problems.push('is a repeated pattern');
  for (const word of context) {
    if (word.length >= 3 && lower.includes(word.toLowerCase())) {
      problems.push('must not contain your user name or display name');
      break;
    }
  }
  return problems;
};
