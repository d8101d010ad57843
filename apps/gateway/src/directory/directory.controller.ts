import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessService } from '@gatehouse/access';
import { may, type Principal } from '@gatehouse/auth';
import { type Actor, DomainError } from '@gatehouse/contracts';
import type { DirectorySync, SyncRun } from '@gatehouse/directory';
import { Journal } from '@gatehouse/journal';
import type { DirectoryRunView, DirectoryStatusView, UnmappedAccounts } from '../api/views';
import { Allow } from '../http/auth.guard';
import { CurrentActor, CurrentPrincipal } from '../http/request.decorators';
import { syncOnRequest } from './directory-gateway';

/** The directory sync, or null on a site without one (a Nest value cannot be null itself). */
export const DIRECTORY_SYNC = Symbol('DIRECTORY_SYNC');
export interface DirectorySyncHolder {
  sync: DirectorySync | null;
}

@ApiTags('directory')
@Controller('api/v1/directory')
export class DirectoryController {
  constructor(
    @Inject(DIRECTORY_SYNC) private readonly holder: DirectorySyncHolder,
    @Inject(Journal) private readonly journal: Journal,
    private readonly access: AccessService,
  ) {}

  /**
   * A run with each change's person by name, for roles that may read people
   * (the access index's record: "erased person" once erased); null otherwise,
   * where the console shows the id alone.
   */
  private named(run: SyncRun, principal: Principal): DirectoryRunView {
    const readsPeople = may(principal.roles, 'cardholders.read');
    const people = this.access.engine.index.cardholders;
    return {
      ...run,
      changes: run.changes.map((c) => ({
        ...c,
        name: readsPeople ? (people.get(c.cardholderId)?.name ?? 'a person no longer on record') : null,
      })),
    };
  }

  private active(): DirectorySync {
    if (!this.holder.sync)
      throw new DomainError(
        'not-found',
        'directory.disabled',
        'this site has no directory sync (directory.enabled)',
      );
    return this.holder.sync;
  }

  @Get('status')
  @Allow('directory.read')
  @ApiOperation({
    summary:
      'Directory sync: the last run (result, counts, changes), the last run that changed someone, the last good one, the recent runs',
  })
  status(@CurrentPrincipal() principal: Principal): DirectoryStatusView {
    if (!this.holder.sync) return { enabled: false };
    const s = this.holder.sync.status();
    return {
      ...s,
      lastRun: s.lastRun && this.named(s.lastRun, principal),
      lastChanges: s.lastChanges && this.named(s.lastChanges, principal),
    };
  }

  @Get('unmapped')
  @Allow('directory.unmapped')
  @ApiOperation({
    summary: 'Directory accounts that map to no cardholder, as of the last applied sync, for mapping',
  })
  unmapped(): UnmappedAccounts {
    return this.active().unmapped();
  }

  @Post('sync')
  @HttpCode(200)
  @Allow('directory.sync')
  @ApiOperation({
    summary:
      'Sync with the directory now (journaled as the operator’s); answers the run. A run in progress is joined, not repeated',
  })
  async run(
    @CurrentActor() actor: Actor,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DirectoryRunView> {
    return this.named(await syncOnRequest(this.active(), this.journal, actor), principal);
  }
}
