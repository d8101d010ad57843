import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { formatTime } from '../format';
import { api, describeError, ROLES, type Operator, type Role } from '../api';
import type { Items, TokenCreated, TokenView } from '@gatehouse/api';
import { ROLE_WORDS, rolesInWords } from '../words';
import { useActionDialog } from '../components/useActionDialog';
import { ErrorAlert, useAction } from '../Feedback';
import { EmptyRow } from '../components/NotYetRead';
import { SecretActions } from '../setup/SecretActions';

export const Tokens = ({ canEdit }: { canEdit: boolean }) => {
  const [items, setItems] = useState<TokenView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [draft, setDraft] = useState({ name: '', role: 'auditor' as Role, expiresInDays: 90 });

  /** Who made a token, by the name they are shown by (the token records their user name). */
  const [operators, setOperators] = useState<Operator[]>([]);
  const refresh = useCallback(() => {
    api
      .get<Items<TokenView>>('/api/v1/tokens')
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(describeError(e)));
    api
      .get<Items<Operator>>('/api/v1/operators')
      .then((r) => setOperators(r.items))
      .catch(() => undefined);
  }, []);
  const madeBy = (username: string) =>
    operators.find((o) => o.username === username)?.displayName ?? username;
  useEffect(refresh, [refresh]);

  const { run, noteAt, busy } = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    setShown(null);
    void run(
      `Token ${draft.name} created.`,
      async () => {
        const res = await api.post<TokenCreated>('/api/v1/tokens', {
          name: draft.name,
          roles: [draft.role],
          expiresInDays: draft.expiresInDays,
        });
        setShown(res.token);
        refresh();
      },
      'new-token',
    );
  };

  const dialog = useActionDialog();
  const revoke = (t: TokenView) =>
    dialog.ask({
      title: `Revoke the token "${t.name}"?`,
      consequence: 'Whatever uses it is refused from now on; this cannot be undone.',
      confirm: 'Revoke',
      reason: 'none',
      risky: true,
      done: 'Token revoked.',
      run: async () => {
        await api.post(`/api/v1/tokens/${t.id}/revoke`);
        refresh();
      },
    });

  return (
    <section>
      <header className="page-header">
        <h2>API tokens</h2>
      </header>
      <p className="hint">
        For machines: login ingest, integrations, metrics scrapers. Each token has its own roles and an
        expiry.
      </p>
      {dialog.view}
      <ErrorAlert error={error} />
      <table className="entries">
        <thead>
          <tr>
            <th>Name</th>
            <th>Roles</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>State</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {(items ?? []).length === 0 && (
            <EmptyRow read={items !== null} colSpan={canEdit ? 7 : 6}>
              No API token yet.
            </EmptyRow>
          )}
          {(items ?? []).map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{rolesInWords(t.roles)}</td>
              <td>
                {formatTime(t.createdAt).slice(0, 10)} by {madeBy(t.createdBy)}
              </td>
              <td>{formatTime(t.expiresAt).slice(0, 10)}</td>
              <td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</td>
              <td>{t.revokedAt ? 'Revoked' : new Date(t.expiresAt) < new Date() ? 'Expired' : 'Active'}</td>
              {canEdit && (
                <td>
                  {!t.revokedAt && (
                    <button className="link" onClick={() => revoke(t)}>
                      Revoke
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
          <h3>New token</h3>
          <label>
            Name
            <input
              name="token-name"
              value={draft.name}
              maxLength={100}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              aria-describedby="token-name-limits"
              required
            />
          </label>
          {/* The gateway's limits (operators.controller.ts), said before sending rather than refused after. */}
          <p className="hint" id="token-name-limits">
            Up to 100 characters: what the machine is and where (“badge printer, reception”).
          </p>
          <label>
            Role
            <select
              name="token-role"
              value={draft.role}
              onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_WORDS[r]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Days valid
            <input
              name="token-days"
              type="number"
              min={1}
              max={3650}
              value={draft.expiresInDays}
              onChange={(e) => setDraft({ ...draft, expiresInDays: Number(e.target.value) })}
              aria-describedby="token-days-limits"
            />
          </label>
          <p className="hint" id="token-days-limits" data-testid="token-days-limits">
            From 1 to 3650 days (ten years); the token stops working after that.
          </p>
          <button disabled={busy}>Create token</button>
          {noteAt('new-token')}
          {/* The secret stays until put away: it is shown once and must be copied, not faded. */}
          {shown && (
            <div className="ok-box new-secret">
              <p>Copy this token now; it is not shown again:</p>
              <code data-testid="new-token">{shown}</code>
              <SecretActions text={shown} fileName="gatehouse-api-token.txt" what="Token" />
              <button type="button" className="link" onClick={() => setShown(null)}>
                I have stored it
              </button>
            </div>
          )}
        </form>
      )}
    </section>
  );
};
