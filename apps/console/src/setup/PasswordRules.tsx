import { useEffect, useState } from 'react';
import type { PasswordPolicyView } from '@gatehouse/api';
import { api } from '../api';
import './setup.css';

/** The site's password rules (GET /api/v1/auth/password-policy, public), or null until they are known (the server checks them either way). */
export const usePasswordPolicy = (): PasswordPolicyView | null => {
  const [policy, setPolicy] = useState<PasswordPolicyView | null>(null);
  useEffect(() => {
    let current = true;
    api
      .get<PasswordPolicyView>('/api/v1/auth/password-policy')
      .then((p) => current && setPolicy(p))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  return policy;
};

/** The rules as a list, shown while a password is chosen (issue 11, item 10). */
export const PasswordRules = ({ id, policy }: { id: string; policy: PasswordPolicyView | null }) =>
  policy ? (
    <div id={id} className="password-rules-box" data-testid="password-rules">
      <p className="hint">A new password must be:</p>
      <ul className="password-rules hint">
        {policy.rules.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </div>
  ) : null;

/** Said before submitting: the repeat differs, or nothing. */
export const repeatProblem = (password: string, repeat: string): string | null =>
  repeat && password !== repeat ? 'The two passwords differ.' : null;

/** The site's rules, read and shown where a password is set for someone else (a temporary one). */
export const SitePasswordRules = ({ id }: { id: string }) => (
  <PasswordRules id={id} policy={usePasswordPolicy()} />
);
