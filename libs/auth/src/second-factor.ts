import { verifySecret } from './password';
import type { SecretBox } from './secret-box';
import { normaliseRecoveryCode } from './secrets';
import type { OperatorRow } from './store';
import { matchTotp } from './totp';
import type { Principal } from './types';

/** A started enrolment must be confirmed within this time, or started (and proven) again. */
const ENROLMENT_MS = 10 * 60_000;

/** What proves the operator again before their second factor is replaced. */
export interface Reauthentication {
  currentPassword?: string;
  code?: string;
  recoveryCode?: string;
}

export interface SecondFactorUse {
  method: 'totp' | 'recovery-code';
  /** The operator's fields that consume the factor: the TOTP step, or the recovery code removed. */
  fields: Partial<OperatorRow>;
  remaining?: number;
}

/** The stored recovery-code hash this code matches (argon2: slow, so found before the serial section). */
export const recoveryHashFor = async (row: OperatorRow, code: string): Promise<string | null> => {
  const normalised = normaliseRecoveryCode(code);
  for (const hash of JSON.parse(row.recovery_codes) as string[]) {
    if (await verifySecret(hash, normalised)) return hash;
  }
  return null;
};

/**
 * Checks a TOTP code or a recovery code against the operator's current state
 * and returns the fields that consume it (the step, or the code removed), or
 * null when it does not prove the second factor. Call inside `serial`.
 */
export const consumeSecondFactor = (
  secrets: SecretBox,
  row: OperatorRow,
  input: { code?: string; recoveryCode?: string },
  recoveryHash: string | null,
  now: number,
): SecondFactorUse | null => {
  if (input.code !== undefined && row.totp_secret) {
    const step = matchTotp(secrets.open(row.totp_secret), input.code, now, row.totp_last_step);
    return step === null ? null : { method: 'totp', fields: { totp_last_step: step } };
  }
  if (input.recoveryCode !== undefined && recoveryHash !== null) {
    const hashes = JSON.parse(row.recovery_codes) as string[];
    // Another request may have used the same code meanwhile.
    if (!hashes.includes(recoveryHash)) return null;
    const left = hashes.filter((h) => h !== recoveryHash);
    return {
      method: 'recovery-code',
      fields: { recovery_codes: JSON.stringify(left) },
      remaining: left.length,
    };
  }
  return null;
};

/** The pending secret of a session, or null when none was started or it was started too long ago. */
export const pendingSecret = (secrets: SecretBox, principal: Principal, now: number): string | null => {
  if (!principal.pendingTotpSecret) return null;
  const [started, secret] = secrets.open(principal.pendingTotpSecret).split(':');
  return secret && now - Number(started) <= ENROLMENT_MS ? secret : null;
};
