import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { formatTime } from '../format';
import { api, describeError, ROLES, type Operator, type Role } from '../api';
import type { Items } from '@gatehouse/api';
import { useActionDialog } from '../components/useActionDialog';
import { ErrorAlert, useAction } from '../Feedback';
import { DISPLAY_NAME_LIMITS, USERNAME_LIMITS } from '../setup/limits';
import { SitePasswordRules } from '../setup/PasswordRules';
import { EmptyRow } from '../components/NotYetRead';
import { ROLE_WORDS, rolesInWords } from '../words';

/** Roles a person can hold: `login-source` and `workstation` are for machines' API tokens only (the server refuses them). */
const MACHINE_ROLES: readonly Role[] = ['login-source', 'workstation'];
const PERSON_ROLES = ROLES.filter((r) => !MACHINE_ROLES.includes(r));

/** `keep`: a role that cannot be taken away here (an administrator's own admin role), shown checked and fixed. */
const RolePicker = ({
  value,
  onChange,
  keep,
}: {
  value: Role[];
  onChange: (roles: Role[]) => void;
  keep?: Role;
}) => (
  <span className="roles">
    {PERSON_ROLES.map((r) => (
      <label key={r} className="check">
        <input
          type="checkbox"
          name={`role-${r}`}
          checked={value.includes(r)}
          disabled={r === keep}
          onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))}
        />
        {ROLE_WORDS[r]}
      </label>
    ))}
  </span>
);

/**
 * The operators, and an administrator's actions on them. `me` is the signed-in
 * operator's id: nothing that would lock them out of their own account is
 * offered on their row (disable, reset their password or second factor, give up
 * the admin role); the gateway refuses those too (operator.self-lockout).
 */
export const Operators = ({ canEdit, me }: { canEdit: boolean; me?: string }) => {
  const [items, setItems] = useState<Operator[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({
    username: '',
    displayName: '',
    password: '',
    // Least privilege: no role until the admin chooses one.
    roles: [] as Role[],
  });
  const [editing, setEditing] = useState<{ id: string; roles: Role[] } | null>(null);
  const dialog = useActionDialog();
  /** A risky change to an operator: confirmed in a dialog, the list read again after it. */
  const confirmed = (run: (text: string) => Promise<unknown>) => async (text: string) => {
    await run(text);
    refresh();
  };

  const refresh = useCallback(() => {
    api
      .get<Items<Operator>>('/api/v1/operators')
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(describeError(e)));
  }, []);
  useEffect(refresh, [refresh]);

  const { run, noteAt, busy } = useAction();
  /** A change from an operator's row; its message shows above the table, the list read again after it. */
  const act = (what: string, fn: () => Promise<unknown>) =>
    run(
      what,
      async () => {
        await fn();
        refresh();
      },
      'rows',
    );

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Created ${draft.displayName} (user name ${draft.username}); they choose their own password at first sign-in.`,
      async () => {
        await api.post('/api/v1/operators', draft);
        setDraft({ username: '', displayName: '', password: '', roles: [] });
        refresh();
      },
      'new-operator',
    );
  };

  return (
    <section>
      <header className="page-header">
        <h2>Operators</h2>
      </header>
      {dialog.view}
      <ErrorAlert error={error} />
      {noteAt('rows')}
      <table className="entries" data-testid="operators">
        <thead>
          <tr>
            <th>User</th>
            <th>Name</th>
            <th>Roles</th>
            <th>Second factor</th>
            <th>State</th>
            {canEdit && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(items ?? []).length === 0 && (
            <EmptyRow read={items !== null} colSpan={canEdit ? 6 : 5}>
              No operator.
            </EmptyRow>
          )}
          {(items ?? []).map((o) => (
            <tr key={o.id}>
              <td>{o.username}</td>
              <td>{o.displayName}</td>
              <td>
                {editing?.id === o.id ? (
                  <>
                    <RolePicker
                      value={editing.roles}
                      onChange={(roles) => setEditing({ id: o.id, roles })}
                      keep={o.id === me && o.roles.includes('admin') ? 'admin' : undefined}
                    />
                    {o.id === me && o.roles.includes('admin') && (
                      <p className="hint">
                        Your own admin role can be removed by another administrator only.
                      </p>
                    )}
                    <button
                      onClick={() =>
                        void act('Roles changed.', () =>
                          api.patch(`/api/v1/operators/${o.id}`, { roles: editing.roles }),
                        ).then(() => setEditing(null))
                      }
                    >
                      Save
                    </button>
                  </>
                ) : (
                  rolesInWords(o.roles)
                )}
              </td>
              <td>
                {o.totpEnrolled ? 'Enrolled' : o.totpRequired ? 'Required, not yet set up' : 'Optional'}
              </td>
              <td>
                {o.disabled
                  ? 'Disabled'
                  : o.lockedUntil
                    ? `Locked until ${formatTime(o.lockedUntil)}`
                    : 'Active'}
              </td>
              {canEdit && (
                <td className="row-actions">
                  <button className="link" onClick={() => setEditing({ id: o.id, roles: o.roles })}>
                    Roles
                  </button>
                  {o.id === me ? (
                    <span className="hint">
                      Your own account: change your password and second factor under My account.
                    </span>
                  ) : (
                    <>
                      <button
                        className="link"
                        onClick={() =>
                          o.disabled
                            ? void act('Enabled.', () =>
                                api.patch(`/api/v1/operators/${o.id}`, { disabled: false }),
                              )
                            : dialog.ask({
                                title: `Disable ${o.displayName} (${o.username})?`,
                                consequence:
                                  'Their sessions end and they cannot sign in until enabled again.',
                                confirm: 'Disable',
                                reason: 'none',
                                risky: true,
                                done: `${o.displayName} disabled.`,
                                run: confirmed(() =>
                                  api.patch(`/api/v1/operators/${o.id}`, { disabled: true }),
                                ),
                              })
                        }
                      >
                        {o.disabled ? 'Enable' : 'Disable'}
                      </button>
                      <button
                        className="link"
                        onClick={() =>
                          dialog.ask({
                            title: `Reset the password of ${o.displayName}?`,
                            consequence:
                              'Their sessions end; they must change this temporary password at sign-in.',
                            confirm: 'Reset password',
                            reason: 'required',
                            reasonLabel: 'Temporary password',
                            secret: true,
                            risky: true,
                            done: 'Password reset; their sessions ended.',
                            run: confirmed((password) =>
                              api.post(`/api/v1/operators/${o.id}/password`, { password }),
                            ),
                          })
                        }
                      >
                        Reset password
                      </button>
                      {o.totpEnrolled && (
                        <button
                          className="link"
                          onClick={() =>
                            dialog.ask({
                              title: `Remove the second factor of ${o.displayName}?`,
                              consequence: 'They must enrol an authenticator again at their next sign-in.',
                              confirm: 'Reset 2FA',
                              reason: 'required',
                              reasonLabel: 'Why (lost phone, …)',
                              risky: true,
                              done: 'Second factor removed.',
                              run: confirmed((reason) =>
                                api.post(`/api/v1/operators/${o.id}/second-factor/reset`, { reason }),
                              ),
                            })
                          }
                        >
                          Reset 2FA
                        </button>
                      )}
                    </>
                  )}
                  {o.lockedUntil && (
                    <button
                      className="link"
                      onClick={() =>
                        void act('Unlocked.', () => api.post(`/api/v1/operators/${o.id}/unlock`))
                      }
                    >
                      Unlock
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <form className="panel" onSubmit={create}>
          <h3>New operator</h3>
          <label>
            User name
            <input
              name="new-username"
              value={draft.username}
              onChange={(e) => setDraft({ ...draft, username: e.target.value })}
              maxLength={USERNAME_LIMITS.maxLength}
              pattern={USERNAME_LIMITS.pattern}
              aria-describedby="new-username-limits"
              required
            />
          </label>
          <p className="hint" id="new-username-limits" data-testid="username-limits">
            {USERNAME_LIMITS.words}
          </p>
          <label>
            Full name
            <input
              name="new-displayName"
              value={draft.displayName}
              onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
              maxLength={DISPLAY_NAME_LIMITS.maxLength}
              aria-describedby="new-displayName-limits"
              required
            />
          </label>
          <p className="hint" id="new-displayName-limits">
            {DISPLAY_NAME_LIMITS.words}
          </p>
          <label>
            Temporary password
            <input
              name="new-password"
              type="password"
              value={draft.password}
              onChange={(e) => setDraft({ ...draft, password: e.target.value })}
              autoComplete="new-password"
              aria-describedby="new-operator-password-rules"
              required
            />
          </label>
          <SitePasswordRules id="new-operator-password-rules" />
          <RolePicker value={draft.roles} onChange={(roles) => setDraft({ ...draft, roles })} />
          {draft.roles.length === 0 && <p className="hint">Choose at least one role.</p>}
          <button disabled={busy || draft.roles.length === 0}>Create operator</button>
          {noteAt('new-operator')}
        </form>
      )}
    </section>
  );
};
