import { ErrorAlert } from '../Feedback';
import { PasswordRules, repeatProblem, usePasswordPolicy } from './PasswordRules';

/** A password being chosen, typed twice. */
export interface NewPassword {
  password: string;
  repeat: string;
}

export const NO_PASSWORD: NewPassword = { password: '', repeat: '' };

/** The chosen password, or an error in words when the two differ (before anything is sent). */
export const chosenPassword = ({ password, repeat }: NewPassword): string => {
  if (password !== repeat) throw new Error('The two passwords differ: type the same password twice.');
  return password;
};

/**
 * Choosing a password, everywhere one is chosen (first run, a reset's forced
 * change, my account): the field, the site's rules shown while typing (and
 * its limits on the input), the repeat, and a mismatch said at once.
 */
export const NewPasswordFields = ({
  value,
  onChange,
  label = 'Password',
  name = 'password',
}: {
  value: NewPassword;
  onChange: (value: NewPassword) => void;
  /** "Password" on first run, "New password" when one is replaced; the repeat says "Repeat" before it. */
  label?: string;
  /** The password input's name (kept for forms and password managers). */
  name?: string;
}) => {
  const policy = usePasswordPolicy();
  const rulesId = `${name}-rules`;
  return (
    <>
      <label>
        {label}
        <input
          name={name}
          type="password"
          value={value.password}
          onChange={(e) => onChange({ ...value, password: e.target.value })}
          autoComplete="new-password"
          minLength={policy?.minLength}
          maxLength={policy?.maxLength}
          aria-describedby={rulesId}
          required
        />
      </label>
      <PasswordRules id={rulesId} policy={policy} />
      <label>
        Repeat {label.toLowerCase()}
        <input
          name="repeatPassword"
          type="password"
          value={value.repeat}
          onChange={(e) => onChange({ ...value, repeat: e.target.value })}
          autoComplete="new-password"
          maxLength={policy?.maxLength}
          required
        />
      </label>
      <ErrorAlert error={repeatProblem(value.password, value.repeat)} />
    </>
  );
};
