import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, DomainError } from '@gatehouse/contracts';
import type { DirectoryStatus, DirectorySync, SyncRun, Unmapped } from '@gatehouse/directory';
import { Journal } from '@gatehouse/journal';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
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
  ) {}

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
    summary: 'Directory sync: the last run (result, counts, changes), the last good one, the recent runs',
  })
  status(): DirectoryStatus | { enabled: false } {
    return this.holder.sync ? this.holder.sync.status() : { enabled: false };
  }

  @Get('unmapped')
  @Allow('directory.unmapped')
  @ApiOperation({
    summary: 'Directory accounts that map to no cardholder, as of the last applied sync, for mapping',
  })
  unmapped(): { count: number; accounts: Unmapped[] } {
    return this.active().unmapped();
  }

  @Post('sync')
  @HttpCode(200)
  @Allow('directory.sync')
  @ApiOperation({
    summary:
      'Sync with the directory now (journaled as the operator’s); answers the run. A run in progress is joined, not repeated',
  })
  run(@CurrentActor() actor: Actor): Promise<SyncRun> {
    return syncOnRequest(this.active(), this.journal, actor);
  }
}
