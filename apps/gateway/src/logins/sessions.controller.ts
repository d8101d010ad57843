import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessService, OUTSIDE_ZONE } from '@gatehouse/access';
import { hiddenProperties, type Principal } from '@gatehouse/auth';
import type { SessionRowView, SessionsView } from '../api/views';
import { Allow } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { LoginsGateway } from './logins-gateway';

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
  list(@CurrentPrincipal() principal: Principal): SessionsView {
    const { presence, index } = this.access.engine;
    const zoneName = (id: string) => index.zones.get(id)?.name ?? id;
    // The account's name is the directory account: shown to whoever may read that field, no one else.
    const showAccount = !hiddenProperties(principal.roles).has('directoryAccount');
    const sessions = this.logins
      .trackedSessions()
      .filter((s) => s.state === 'open')
      .map((s): SessionRowView => {
        const seen = s.personId ? presence.get(s.personId) : undefined;
        // Last seen passing a door out of the site: not badged in, whatever came before.
        const badge = seen && seen.zone !== OUTSIDE_ZONE ? seen : undefined;
        return {
          personId: s.personId,
          name: s.personId ? (index.cardholders.get(s.personId)?.name ?? null) : null,
          ...(showAccount ? { account: s.account } : {}),
          accountKey: s.accountDigest,
          host: s.host,
          zone: s.zone,
          zoneName: s.zone ? zoneName(s.zone) : null,
          remote: s.remote,
          since: new Date(s.since).toISOString(),
          lastSeen: new Date(s.lastSeen).toISOString(),
          presence: badge
            ? { zone: badge.zone, zoneName: zoneName(badge.zone), since: new Date(badge.at).toISOString() }
            : null,
          badgedInHere: !s.personId || !s.zone ? null : badge?.zone === s.zone,
        };
      });
    return { sessions, counters: { tracked: this.logins.sessions.size, ...this.logins.sessions.counters } };
  }
}
