import { useCallback, useEffect, useState } from 'react';
import { useCellLabels } from './shell/cell-labels';
import { showTimesIn } from './format';
import { Menu, X } from 'lucide-react';
import type { Action, BootstrapState, Permissions } from '@gatehouse/api';
import { announceSignedOut, api, ApiError, describeError, setCsrfToken, type SessionInfo } from './api';
import { Directory } from './pages/Directory';
import { Correlation } from './pages/Correlation';
import { CorrelationRules } from './pages/CorrelationRules';
import { Doors } from './pages/Doors';
import { Forgive } from './desk/Forgive';
import { GuardDesk } from './desk/GuardDesk';
import { ShiftLog } from './desk/ShiftLog';
import { Import } from './pages/Import';
import { Integrity } from './pages/Integrity';
import { People } from './pages/People';
import { Levels, Schedules } from './pages/Schedules';
import { JournalSearch } from './pages/JournalSearch';
import { LiveFeed } from './pages/LiveFeed';
import { OnSite } from './pages/OnSite';
import { Operators } from './pages/Operators';
import { Readers } from './pages/Readers';
import { SessionsNow } from './sessions/SessionsNow';
import { ToMap } from './sessions/ToMap';
import { Bootstrap, ChangePassword, Enroll, Login, SecondFactor } from './pages/SignIn';
import { System } from './pages/System';
import { Tokens } from './pages/Tokens';
import { landingPage, pageTitle, useFocusHeadingOn, useOpenAlarmCount } from './navigation';
import { LiveContext, useLiveConnection } from './shell/live';
import { PermissionsContext } from './shell/permissions';
import { useSessionKeeper } from './shell/session-keeper';
import { StatusBanner } from './shell/StatusBanner';
import { useSiteOverride } from './shell/site-override';
import { LockdownBanner } from './desk/LockdownBanner';
import { rolesInWords } from './words';

type View = 'loading' | 'bootstrap' | 'login' | 'totp' | 'enroll' | 'password' | 'app' | 'error';

interface Page {
  id: string;
  title: string;
  /** The action of the permission matrix this page serves; shown to the roles the API allows it. */
  action: Action;
}

const PAGES: Page[] = [
  { id: 'system', title: 'System', action: 'system.status' },
  { id: 'on-site', title: 'Who is on site', action: 'presence.read' },
  { id: 'sessions', title: 'Sessions now', action: 'sessions.read' },
  { id: 'live', title: 'Live events', action: 'events.stream' },
  { id: 'journal', title: 'Journal', action: 'journal.search' },
  { id: 'desk', title: 'Guard desk', action: 'doors.board' },
  { id: 'shift-log', title: 'Shift log', action: 'journal.note' },
  { id: 'passback', title: 'Anti-passback', action: 'doors.control' },
  { id: 'correlation', title: 'Correlation alerts', action: 'correlation.read' },
  { id: 'correlation-rules', title: 'Correlation rules', action: 'correlation.rules' },
  { id: 'doors', title: 'Doors', action: 'site.read' },
  { id: 'readers', title: 'Readers', action: 'readers.status' },
  { id: 'people', title: 'People', action: 'cardholders.read' },
  { id: 'levels', title: 'Access levels', action: 'site.read' },
  { id: 'schedules', title: 'Schedules', action: 'site.read' },
  { id: 'import', title: 'Import', action: 'cardholders.write' },
  { id: 'directory', title: 'Directory sync', action: 'directory.read' },
  { id: 'to-map', title: 'Accounts to map', action: 'directory.unmapped' },
  { id: 'integrity', title: 'Integrity', action: 'journal.verify' },
  { id: 'operators', title: 'Operators', action: 'operators.read' },
  { id: 'tokens', title: 'API tokens', action: 'operators.read' },
  { id: 'account', title: 'My account', action: 'account.self' },
];

/** The page in the address; empty means "where this operator's role starts". */
const currentHash = () => window.location.hash.replace(/^#\/?/, '');

export const App = () => {
  const [view, setView] = useState<View>('loading');
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [page, setPage] = useState(currentHash());
  const [error, setError] = useState<string | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  /** What the printed bootstrap token looks like, while the first administrator is to be created. */
  const [bootToken, setBootToken] = useState<BootstrapState['token'] | null>(null);
  const [permissions, setPermissions] = useState<Permissions | null>(null);
  // On a phone the page list is behind a menu button (CONSOLE.md); it closes when a page is chosen.
  const [menuOpen, setMenuOpen] = useState(false);
  const signedIn = view === 'app';
  const live = useLiveConnection(signedIn);
  const clock = useSessionKeeper(session, signedIn);
  const alarms = useOpenAlarmCount(signedIn && (permissions?.actions.includes('alarms.read') ?? false), live);
  // A lockdown is shown on every page to every signed-in role (issue 11), kept live by the shell.
  const siteHold = useSiteOverride(
    live,
    signedIn && (permissions?.actions.includes('site.override') ?? false),
  );
  const roles = session?.roles ?? [];
  const visible = PAGES.filter((p) => permissions?.actions.includes(p.action));
  const active: Page | undefined =
    visible.find((p) => p.id === page) ??
    visible.find(
      (p) =>
        p.id ===
        landingPage(
          roles,
          visible.map((v) => v.id),
        ),
    ) ??
    visible[0];
  // An address of a page this role may not open (a bookmark, a link from a colleague): said, not
  // silently replaced by the landing page.
  const refused =
    permissions && page && active && page !== active.id ? (PAGES.find((p) => p.id === page) ?? null) : null;
  useFocusHeadingOn(signedIn ? (active?.id ?? '') : view);
  useCellLabels(signedIn);
  useEffect(() => setMenuOpen(false), [active?.id]);
  useEffect(() => {
    document.title = pageTitle(signedIn && active ? active.title : 'Console', alarms);
  }, [signedIn, active, alarms]);

  const refresh = useCallback(async () => {
    try {
      const boot = await api.get<BootstrapState>('/api/v1/auth/bootstrap');
      if (boot.pending) {
        setBootToken(boot.token ?? null);
        return setView('bootstrap');
      }
      const s = await api.get<SessionInfo>('/api/v1/auth/session');
      setCsrfToken(s.csrfToken);
      setSession(s);
      showTimesIn(s.site.timeZone);
      if (s.stage === 'full' && !s.mustChangePassword)
        setPermissions(await api.get<Permissions>('/api/v1/auth/permissions'));
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
      announceSignedOut();
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
      return <Bootstrap onDone={done} token={bootToken} />;
    case 'login':
      return <Login onDone={done} />;
    case 'totp':
      return <SecondFactor onDone={done} />;
    case 'enroll':
      return <Enroll onDone={done} reauthenticate={session?.reauthenticate} />;
    case 'password':
      return <ChangePassword forced onDone={done} />;
  }

  const stale = live.status !== 'live' && live.status !== 'connecting';
  if (!active) return <p className="error">This account has no page it may open.</p>;
  return (
    <PermissionsContext.Provider value={permissions}>
      <LiveContext.Provider value={live}>
        <a
          className="skip-link"
          href="#main-content"
          // The address's hash is the page (#/doors): following the link would navigate away.
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('main-content')?.focus();
          }}
        >
          Skip to main content
        </a>
        <div className="shell">
          <nav
            aria-label="Pages"
            className={menuOpen ? 'menu-open' : undefined}
            // Escape closes the phone menu and gives the focus back to its button.
            onKeyDown={(e) => {
              if (e.key !== 'Escape' || !menuOpen) return;
              setMenuOpen(false);
              document.querySelector<HTMLButtonElement>('.menu-button')?.focus();
            }}
          >
            <div className="nav-bar">
              <div className="brand">Gatehouse</div>
              <span className="nav-page" aria-hidden="true">
                {active.title}
              </span>
              <button
                type="button"
                className="menu-button"
                aria-expanded={menuOpen}
                aria-controls="nav-menu"
                onClick={() => setMenuOpen(!menuOpen)}
              >
                {menuOpen ? <X aria-hidden="true" size={18} /> : <Menu aria-hidden="true" size={18} />}
                Menu
              </button>
            </div>
            <div className="nav-menu" id="nav-menu">
              <ul>
                {visible.map((p) => (
                  <li key={p.id}>
                    <a
                      href={`#/${p.id}`}
                      className={p.id === active.id ? 'active' : ''}
                      aria-current={p.id === active.id ? 'page' : undefined}
                    >
                      {p.title}
                    </a>
                  </li>
                ))}
              </ul>
              <div className="who" data-testid="who">
                <strong>{session?.operator?.displayName ?? session?.name}</strong>
                <span>{rolesInWords(roles)}</span>
                <button className="link" onClick={() => void signOut()}>
                  Sign out
                </button>
              </div>
            </div>
          </nav>
          <main id="main-content" tabIndex={-1} className={stale ? 'stale' : undefined}>
            <StatusBanner live={live} clock={clock} onSignIn={() => void refresh()} />
            {siteHold.override && (
              <LockdownBanner override={siteHold.override} doorCount={siteHold.doorCount} />
            )}
            {refused && (
              <p className="hint page-refused" role="status" data-testid="page-refused">
                Your role cannot open “{refused.title}”: this is your {active.title} page instead.
              </p>
            )}
            {active.id === 'system' && <System />}
            {active.id === 'on-site' && <OnSite />}
            {active.id === 'sessions' && <SessionsNow />}
            {active.id === 'live' && <LiveFeed />}
            {active.id === 'journal' && <JournalSearch roles={roles} />}
            {active.id === 'desk' && <GuardDesk me={session?.operator?.username ?? session?.name ?? ''} />}
            {active.id === 'shift-log' && <ShiftLog />}
            {active.id === 'passback' && <Forgive />}
            {active.id === 'correlation' && <Correlation />}
            {active.id === 'correlation-rules' && <CorrelationRules />}
            {active.id === 'doors' && <Doors />}
            {active.id === 'readers' && <Readers />}
            {active.id === 'people' && <People />}
            {active.id === 'levels' && <Levels />}
            {active.id === 'schedules' && <Schedules />}
            {active.id === 'import' && <Import />}
            {active.id === 'directory' && <Directory />}
            {active.id === 'to-map' && <ToMap />}
            {active.id === 'integrity' && <Integrity />}
            {active.id === 'operators' && (
              <Operators
                canEdit={permissions?.actions.includes('operators.write') ?? false}
                me={session?.operator?.id}
              />
            )}
            {active.id === 'tokens' && (
              <Tokens canEdit={permissions?.actions.includes('operators.write') ?? false} />
            )}
            {active.id === 'account' && (
              <section>
                <header className="page-header">
                  <h2>My account</h2>
                </header>
                <p>
                  Signed in as <strong>{session?.operator?.username}</strong> ({rolesInWords(roles)}). Second
                  factor: {session?.operator?.totpEnrolled ? 'enrolled' : 'not set up'}.
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
      </LiveContext.Provider>
    </PermissionsContext.Provider>
  );
};
