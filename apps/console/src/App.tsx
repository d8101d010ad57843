import { useCallback, useEffect, useState } from 'react';
import type { BootstrapState } from '@gatehouse/api';
import { api, ApiError, describeError, setCsrfToken, type Role, type SessionInfo } from './api';
import { Doors } from './pages/Doors';
import { GuardDesk } from './pages/GuardDesk';
import { Import } from './pages/Import';
import { Integrity } from './pages/Integrity';
import { People } from './pages/People';
import { Levels, Schedules } from './pages/Schedules';
import { JournalSearch } from './pages/JournalSearch';
import { LiveFeed } from './pages/LiveFeed';
import { Operators } from './pages/Operators';
import { Readers } from './pages/Readers';
import { Bootstrap, ChangePassword, Enroll, Login, SecondFactor } from './pages/SignIn';
import { Tokens } from './pages/Tokens';

type View = 'loading' | 'bootstrap' | 'login' | 'totp' | 'enroll' | 'password' | 'app' | 'error';

interface Page {
  id: string;
  title: string;
  /** Roles that see this page in the navigation; the API enforces the same on its own. */
  roles: Role[] | 'all';
}

const PAGES: Page[] = [
  { id: 'live', title: 'Live events', roles: 'all' },
  { id: 'journal', title: 'Journal', roles: 'all' },
  { id: 'desk', title: 'Guard desk', roles: ['guard', 'responder', 'facility-manager', 'auditor', 'admin'] },
  { id: 'doors', title: 'Doors', roles: ['guard', 'facility-manager', 'responder', 'auditor', 'admin'] },
  { id: 'readers', title: 'Readers', roles: ['guard', 'facility-manager', 'responder', 'auditor', 'admin'] },
  {
    id: 'people',
    title: 'People',
    roles: ['facility-manager', 'guard', 'reception', 'responder', 'auditor', 'admin'],
  },
  {
    id: 'levels',
    title: 'Access levels',
    roles: ['facility-manager', 'guard', 'responder', 'auditor', 'admin'],
  },
  {
    id: 'schedules',
    title: 'Schedules',
    roles: ['facility-manager', 'guard', 'responder', 'auditor', 'admin'],
  },
  { id: 'import', title: 'Import', roles: ['facility-manager'] },
  { id: 'integrity', title: 'Integrity', roles: ['auditor', 'admin', 'responder'] },
  { id: 'operators', title: 'Operators', roles: ['admin', 'auditor'] },
  { id: 'tokens', title: 'API tokens', roles: ['admin', 'auditor'] },
  { id: 'account', title: 'My account', roles: 'all' },
];

const allowed = (page: Page, roles: Role[]) =>
  page.roles === 'all' || page.roles.some((r) => roles.includes(r));
const currentHash = () => window.location.hash.replace(/^#\/?/, '') || 'live';

export const App = () => {
  const [view, setView] = useState<View>('loading');
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [page, setPage] = useState(currentHash());
  const [error, setError] = useState<string | null>(null);
  const [enrolling, setEnrolling] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const boot = await api.get<BootstrapState>('/api/v1/auth/bootstrap');
      if (boot.pending) return setView('bootstrap');
      const s = await api.get<SessionInfo>('/api/v1/auth/session');
      setCsrfToken(s.csrfToken);
      setSession(s);
      setView(
        s.stage === 'totp'
          ? 'totp'
          : s.stage === 'enroll'
            ? 'enroll'
            : s.mustChangePassword
              ? 'password'
              : 'app',
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setSession(null);
        setView('login');
      } else {
        setError(describeError(e));
        setView('error');
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
    const onHash = () => setPage(currentHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [refresh]);

  const signOut = async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      await refresh();
    }
  };

  const done = () => void refresh();
  switch (view) {
    case 'loading':
      return <p className="loading">Loading…</p>;
    case 'error':
      return <p className="error">The gateway did not answer: {error}</p>;
    case 'bootstrap':
      return <Bootstrap onDone={done} />;
    case 'login':
      return <Login onDone={done} />;
    case 'totp':
      return <SecondFactor onDone={done} />;
    case 'enroll':
      return <Enroll onDone={done} reauthenticate={session?.reauthenticate} />;
    case 'password':
      return <ChangePassword forced onDone={done} />;
  }

  const roles = session?.roles ?? [];
  const visible = PAGES.filter((p) => allowed(p, roles));
  const active = visible.find((p) => p.id === page) ?? visible[0]!;
  return (
    <div className="shell">
      <nav>
        <div className="brand">Gatehouse</div>
        <ul>
          {visible.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} className={p.id === active.id ? 'active' : ''}>
                {p.title}
              </a>
            </li>
          ))}
        </ul>
        <div className="who" data-testid="who">
          <strong>{session?.operator?.displayName ?? session?.name}</strong>
          <span>{roles.join(', ')}</span>
          <button className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <main>
        {active.id === 'live' && <LiveFeed />}
        {active.id === 'journal' && <JournalSearch roles={roles} />}
        {active.id === 'desk' && (
          <GuardDesk roles={roles} me={session?.operator?.username ?? session?.name ?? ''} />
        )}
        {active.id === 'doors' && <Doors roles={roles} />}
        {active.id === 'readers' && <Readers roles={roles} />}
        {active.id === 'people' && <People roles={roles} />}
        {active.id === 'levels' && <Levels roles={roles} />}
        {active.id === 'schedules' && <Schedules roles={roles} />}
        {active.id === 'import' && <Import />}
        {active.id === 'integrity' && <Integrity />}
        {active.id === 'operators' && <Operators canEdit={roles.includes('admin')} />}
        {active.id === 'tokens' && <Tokens canEdit={roles.includes('admin')} />}
        {active.id === 'account' && (
          <section>
            <header className="page-header">
              <h2>My account</h2>
            </header>
            <p>
              Signed in as <strong>{session?.operator?.username}</strong> ({roles.join(', ')}). Second factor:{' '}
              {session?.operator?.totpEnrolled ? 'enrolled' : 'not set up'}.
            </p>
            <h3>Second factor</h3>
            {enrolling ? (
              <Enroll
                onDone={() => void refresh().then(() => setEnrolling(false))}
                reauthenticate
                replacing={session?.operator?.totpEnrolled}
              />
            ) : (
              <button onClick={() => setEnrolling(true)}>
                {session?.operator?.totpEnrolled
                  ? 'Replace the authenticator app'
                  : 'Set up an authenticator app'}
              </button>
            )}
            <h3>Change password</h3>
            <ChangePassword onDone={() => undefined} />
          </section>
        )}
      </main>
    </div>
  );
};
