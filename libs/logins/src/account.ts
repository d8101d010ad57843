/**
 * A directory or local account as the sender named it, and the key it is
 * matched by. Windows and most directories compare names case-insensitively,
 * so the key is lower case; the domain stays as given (NetBIOS `CORP` and DNS
 * `corp.example.com` are tied together by the directory mapping, not here).
 */
export interface Account {
  /** As received, for display and the record. */
  name: string;
  user: string;
  domain: string | null;
  /** `domain\user` or `user`, lower case. */
  key: string;
}

const clean = (part: string | null | undefined): string | null => {
  const trimmed = part?.trim();
  return trimmed && trimmed !== '-' ? trimmed : null;
};

/**
 * `DOMAIN\user`, `user@domain` or a local `user`, optionally with the domain
 * given apart (Windows' TargetDomainName). Null when there is no user name.
 */
export const normaliseAccount = (
  name: string | null | undefined,
  domainApart?: string | null,
): Account | null => {
  const given = clean(name);
  if (!given) return null;
  let user = given;
  let domain = clean(domainApart);
  const slash = given.indexOf('\\');
  const at = given.lastIndexOf('@');
  if (slash > 0) {
    domain = given.slice(0, slash);
    user = given.slice(slash + 1);
  } else if (at > 0 && at < given.length - 1) {
    user = given.slice(0, at);
    domain = given.slice(at + 1);
  }
  user = user.trim();
  if (!user || /[\s\\/]/.test(user) || user.length > 256) return null;
  const lowerDomain = domain?.toLowerCase() ?? null;
  return {
    name: domain && !given.includes('\\') && !given.includes('@') ? `${domain}\\${given}` : given,
    user: user.toLowerCase(),
    domain: lowerDomain,
    key: lowerDomain ? `${lowerDomain}\\${user.toLowerCase()}` : user.toLowerCase(),
  };
};
