import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessService } from '@gatehouse/access';
import { hiddenProperties, type Principal } from '@gatehouse/auth';
import { Allow } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { LoginsGateway } from './logins-gateway';

/** One open session as the API answers it. */
export interface SessionRow {
  personId: string | null;
  name: string | null;
  /** The account as received: only for roles that may see directory accounts, and only while known. */
  account?: string | null;
  /** The account's keyed digest: what an unmapped account is told apart by. */
  accountKey: string;
  host: string;
  zone: string | null;
  remote: boolean;
  since: string;
  lastSeen: string;
  /** Badged in: the presence the access decisions keep (zone and since), null when not on site. */
  presence: { zone: string; since: string } | null;
  /** Whether the person's badge-in zone is the workstation's (null when either is unknown). */
  badgedInHere: boolean | null;
}

@ApiTags('logins')
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(
    @Inject(LoginsGateway) private readonly logins: LoginsGateway,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get()
  @Allow('sessions.read')
  @ApiOperation({
    summary:
      'Who is logged in where now (open interactive sessions per person and workstation), and whether they are badged in',
  })
  list(@CurrentPrincipal() principal: Principal): {
    sessions: SessionRow[];
    counters: Record<string, number>;
  } {
    const { presence, index } = this.access.engine;
    // The account's name is the directory account: shown to whoever may read that field, no one else.
    const showAccount = !hiddenProperties(principal.roles).has('directoryAccount');
    const sessions = this.logins
      .trackedSessions()
      .filter((s) => s.state === 'open')
      .map((s): SessionRow => {
        const badge = s.personId ? presence.get(s.personId) : undefined;
        return {
          personId: s.personId,
          name: s.personId ? (index.cardholders.get(s.personId)?.name ?? null) : null,
          ...(showAccount ? { account: s.account } : {}),
          accountKey: s.accountDigest,
          host: s.host,
          zone: s.zone,
          remote: s.remote,
          since: new Date(s.since).toISOString(),
          lastSeen: new Date(s.lastSeen).toISOString(),
          presence: badge ? { zone: badge.zone, since: new Date(badge.at).toISOString() } : null,
          badgedInHere: !s.personId || !s.zone ? null : badge?.zone === s.zone,
        };
      });
    return { sessions, counters: { tracked: this.logins.sessions.size, ...this.logins.sessions.counters } };
  }
}
