import { useState, type FormEvent, type ReactNode } from 'react';
import type { BootstrapAnswer, BootstrapState, EnrollmentConfirmed, SignInAnswer } from '@gatehouse/api';
import { api, describeError, setCsrfToken, type Operator } from '../api';
import { ErrorAlert } from '../Feedback';
import { SuccessNote, type Success } from '../components/Notes';
import { DISPLAY_NAME_LIMITS, USERNAME_LIMITS } from '../setup/limits';
import { SecretActions } from '../setup/SecretActions';
import { chosenPassword, NewPasswordFields, NO_PASSWORD } from '../setup/NewPasswordFields';

interface StepProps {
  onDone: () => void;
}

const Card = ({ title, children }: { title: string; children: ReactNode }) => (
  <div className="auth-card">
    <h1>Gatehouse</h1>
    <h2>{title}</h2>
    {children}
  </div>
);

const useSubmit = (action: () => Promise<void>) => {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
};

/** `token`: what the printed token looks like (GET /auth/bootstrap), said beside its field before anything is sent. */
export const Bootstrap = ({
  onDone,
  token: shape,
}: StepProps & { token?: BootstrapState['token'] | null }) => {
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState(NO_PASSWORD);
  const [created, setCreated] = useState<Operator | null>(null);
  const { error, busy, submit } = useSubmit(async () => {
    const res = await api.post<BootstrapAnswer>('/api/v1/auth/bootstrap', {
      token: token.trim(),
      username,
      displayName,
      password: chosenPassword(password),
    });
    setCreated(res.operator);
  });
  if (created) {
    return (
      <Card title="Administrator created">
        <p>
          <strong>{created.username}</strong> can now sign in. Administrators set up a second factor (an
          authenticator app) at their first sign-in.
        </p>
        <button onClick={onDone}>Continue to sign in</button>
      </Card>
    );
  }
  return (
    <Card title="First start: create the administrator">
      <form onSubmit={submit}>
        <label>
          Bootstrap token
          <input
            name="token"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="bootstrap-token-hint"
            required
          />
        </label>
        <p className="hint" id="bootstrap-token-hint">
          {shape
            ? `The one-time code of ${shape.length} characters starting with “${shape.prefix}” that the gateway printed after “BOOTSTRAP TOKEN:” when it started.`
            : 'The one-time code the gateway printed after “BOOTSTRAP TOKEN:” when it started.'}{' '}
          It is not in the log files; a restart prints a new one.
        </p>
        <label>
          User name
          <input
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            maxLength={USERNAME_LIMITS.maxLength}
            pattern={USERNAME_LIMITS.pattern}
            aria-describedby="bootstrap-username-limits"
            required
          />
        </label>
        <p className="hint" id="bootstrap-username-limits" data-testid="username-limits">
          {USERNAME_LIMITS.words}
        </p>
        <label>
          Full name
          <input
            name="displayName"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            maxLength={DISPLAY_NAME_LIMITS.maxLength}
            aria-describedby="bootstrap-displayName-limits"
            required
          />
        </label>
        <p className="hint" id="bootstrap-displayName-limits">
          {DISPLAY_NAME_LIMITS.words}
        </p>
        <NewPasswordFields value={password} onChange={setPassword} />
        <ErrorAlert error={error} />
        <button disabled={busy}>Create administrator</button>
      </form>
    </Card>
  );
};

export const Login = ({ onDone }: StepProps) => {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    const res = await api.post<SignInAnswer>('/api/v1/auth/login', { username, password });
    setCsrfToken(res.csrfToken);
    onDone();
  });
  return (
    <Card title="Sign in">
      <form onSubmit={submit}>
        <label>
          User name
          <input
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            autoFocus
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <ErrorAlert error={error} />
        <button disabled={busy}>Sign in</button>
      </form>
    </Card>
  );
};

/** A TOTP code, or a recovery code for an operator without their phone; both prove the second factor. */
const SecondFactorCode = ({
  label,
  code,
  setCode,
  useRecovery,
  setUseRecovery,
  autoFocus,
}: {
  label: string;
  code: string;
  setCode: (code: string) => void;
  useRecovery: boolean;
  setUseRecovery: (use: boolean) => void;
  autoFocus?: boolean;
}) => (
  <>
    <label>
      {useRecovery ? 'Recovery code' : label}
      <input
        name="code"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        inputMode={useRecovery ? 'text' : 'numeric'}
        autoComplete="one-time-code"
        autoFocus={autoFocus}
        required
      />
    </label>
    <button type="button" className="link" onClick={() => setUseRecovery(!useRecovery)}>
      {useRecovery ? 'Use the authenticator code' : 'Use a recovery code instead'}
    </button>
  </>
);

const secondFactorProof = (useRecovery: boolean, code: string) =>
  useRecovery ? { recoveryCode: code.trim() } : { code: code.trim() };

export const SecondFactor = ({ onDone }: StepProps) => {
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const { error, busy, submit } = useSubmit(async () => {
    const res = await api.post<SignInAnswer>(
      '/api/v1/auth/second-factor',
      secondFactorProof(useRecovery, code),
    );
    setCsrfToken(res.csrfToken);
    onDone();
  });
  return (
    <Card title="Second factor">
      <form onSubmit={submit}>
        <SecondFactorCode
          label="Six-digit code from your authenticator app"
          {...{ code, setCode, useRecovery, setUseRecovery }}
          autoFocus
        />
        <ErrorAlert error={error} />
        <button disabled={busy}>Verify</button>
      </form>
    </Card>
  );
};

/**
 * Sets up (or replaces) the authenticator app. Right after sign-in the password
 * was just checked; from a signed-in session the gateway asks for it again, and
 * to replace an app also for a code from it or a recovery code.
 */
export const Enroll = ({
  onDone,
  reauthenticate,
  replacing,
}: StepProps & { reauthenticate?: boolean; replacing?: boolean }) => {
  const [setup, setSetup] = useState<{ secret: string; uri: string; qrSvg: string } | null>(null);
  const [currentPassword, setCurrentPassword] = useState('');
  const [currentCode, setCurrentCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const start = useSubmit(async () => {
    const proof = {
      ...(reauthenticate ? { currentPassword } : {}),
      ...(replacing ? secondFactorProof(useRecovery, currentCode) : {}),
    };
    setSetup(await api.post('/api/v1/auth/enrollment', proof));
  });
  const confirm = useSubmit(async () => {
    const res = await api.post<EnrollmentConfirmed>('/api/v1/auth/enrollment/confirm', { code: code.trim() });
    setCsrfToken(res.csrfToken);
    setRecovery(res.recoveryCodes);
  });
  if (recovery) {
    return (
      <Card title="Keep your recovery codes">
        <p>
          Each code signs you in once if you lose your phone. They are shown only now: print them or keep them
          in a safe.
        </p>
        <ol className="recovery" data-testid="recovery-codes">
          {recovery.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ol>
        <SecretActions text={recovery.join('\n')} fileName="gatehouse-recovery-codes.txt" what="Codes" />
        <button onClick={onDone}>I have stored them</button>
      </Card>
    );
  }
  return (
    <Card title={replacing ? 'Replace your second factor' : 'Set up your second factor'}>
      <p className="hint">
        {replacing
          ? 'The new app replaces the old one, and new recovery codes replace the old ones.'
          : 'Your role requires an authenticator app (TOTP) at every sign-in.'}
      </p>
      {!setup ? (
        <form onSubmit={start.submit}>
          {reauthenticate && (
            <label>
              Current password
              <input
                name="enrolCurrentPassword"
                type="password"
                value={currentPassword}
                onChange={(e) => setCurrentPassword(e.target.value)}
                autoComplete="current-password"
                required
              />
            </label>
          )}
          {replacing && (
            <SecondFactorCode
              label="Code from your current authenticator app"
              code={currentCode}
              setCode={setCurrentCode}
              {...{ useRecovery, setUseRecovery }}
            />
          )}
          <ErrorAlert error={start.error} />
          <button disabled={start.busy}>Start set-up</button>
        </form>
      ) : (
        <form onSubmit={confirm.submit}>
          <img
            className="qr"
            alt="QR code for the authenticator app"
            src={`data:image/svg+xml;base64,${btoa(setup.qrSvg)}`}
          />
          <p className="hint">
            Or type this key: <code data-testid="totp-secret">{setup.secret}</code>
          </p>
          <label>
            Code shown by the app
            <input
              name="code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              required
            />
          </label>
          <ErrorAlert error={confirm.error} />
          <button disabled={confirm.busy}>Confirm</button>
        </form>
      )}
    </Card>
  );
};

export const ChangePassword = ({ onDone, forced }: StepProps & { forced?: boolean }) => {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState(NO_PASSWORD);
  const [done, setDone] = useState<Success | null>(null);
  const { error, busy, submit } = useSubmit(async () => {
    await api.post('/api/v1/auth/password', { currentPassword: current, newPassword: chosenPassword(next) });
    setDone((d) => ({ text: 'Password changed; your other sessions were signed out.', n: (d?.n ?? 0) + 1 }));
    setCurrent('');
    setNext(NO_PASSWORD);
    onDone();
  });
  const form = (
    <form onSubmit={submit}>
      <label>
        Current password
        <input
          name="currentPassword"
          type="password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          autoComplete="current-password"
          required
        />
      </label>
      <NewPasswordFields value={next} onChange={setNext} label="New password" name="newPassword" />
      <ErrorAlert error={error} />
      <button disabled={busy}>Change password</button>
      {!forced && <SuccessNote success={done} />}
    </form>
  );
  return forced ? <Card title="Choose your own password">{form}</Card> : form;
};
