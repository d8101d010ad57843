import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessService } from '@gatehouse/access';
import { type Actor, DomainError, plainText } from '@gatehouse/contracts';
import { normaliseAccount } from '@gatehouse/logins';
import type { AccountMapped, AccountToMap, ToMapView } from '../api/views';
import { DIRECTORY_SYNC, type DirectorySyncHolder } from '../directory/directory.controller';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
import { ApiJsonBody, zod } from '../http/validation';
import { LoginsGateway } from './logins-gateway';

const MapAccount = z.strictObject({
  account: plainText({ max: 120 })
    .refine((a) => normaliseAccount(a) !== null, {
      message: 'is not an account a login can name (DOMAIN\\user, user@domain or a local user name)',
    })
    .describe('The account: DOMAIN\\user, user@domain or a local user name (case does not matter)'),
  cardholderId: plainText({ max: 64 }).describe('The cardholder the account is theirs'),
});

const keyOf = (account: string | null): string | null => normaliseAccount(account)?.key ?? null;

/**
 * What is left to map (issue 13, "accounts that map to nobody are counted and
 * listed for mapping"): accounts from the directory's last good answer and
 * from the logins since the start, and workstations no zone holds; and the
 * mapping of an account to a person, which is the person's `directoryAccount`
 * (the field the logins and the directory sync both match on).
 */
@ApiTags('logins')
@Controller('api/v1/mapping')
export class MappingController {
  constructor(
    @Inject(LoginsGateway) private readonly logins: LoginsGateway,
    @Inject(DIRECTORY_SYNC) private readonly directory: DirectorySyncHolder,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get()
  @Allow('directory.unmapped')
  @ApiOperation({
    summary:
      'Accounts that map to no cardholder (from the directory and from logins) and workstations no zone holds',
  })
  toMap(): ToMapView {
    const byKey = new Map<string, AccountToMap>();
    const sync = this.directory.sync;
    for (const a of sync?.unmapped().accounts ?? []) {
      const key = keyOf(a.account);
      if (!key || this.logins.accounts.personOf(key) !== null) continue; // mapped since the last sync
      byKey.set(key, {
        account: a.account,
        directoryName: a.name,
        disabled: a.disabled,
        logins: 0,
        lastLogin: null,
      });
    }
    // Logins' list leaves out by itself what is mapped now.
    for (const l of this.logins.unmappedAccounts()) {
      const known = byKey.get(l.account);
      if (known) Object.assign(known, { logins: l.count, lastLogin: l.lastSeen });
      else
        byKey.set(l.account, {
          account: l.account,
          directoryName: null,
          disabled: null,
          logins: l.count,
          lastLogin: l.lastSeen,
        });
    }
    // Those logging in first (most recent first), then the directory's by account.
    const accounts = [...byKey.values()].sort(
      (a, b) =>
        (b.lastLogin ?? '').localeCompare(a.lastLogin ?? '') ||
        a.account.localeCompare(b.account, undefined, { sensitivity: 'base' }),
    );
    return {
      accounts,
      workstations: this.logins.unplacedWorkstations().map((w) => ({
        host: w.host,
        logins: w.count,
        lastSeen: w.lastSeen,
        sourceAddress: w.sourceAddress,
      })),
      directory: sync !== null,
      directoryAsOf: sync?.status().lastGoodAt ?? null,
    };
  }

  /**
   * Maps an account to a person: their directory account becomes it (one per
   * person: it replaces one they had). Journaled by the access records as the
   * operator's change of that cardholder, the account sealed under the
   * person's key like every personal field. An account another person holds
   * is refused with their name: the identity map would otherwise keep
   * choosing one of the two without a word.
   */
  @Post('accounts')
  @HttpCode(200)
  @Allow('accounts.map')
  @ApiJsonBody(MapAccount)
  @ApiOperation({
    summary: "Map an account to a cardholder (their directory account; journaled as the operator's)",
  })
  async mapAccount(
    @Body(zod(MapAccount)) body: z.output<typeof MapAccount>,
    @CurrentActor() actor: Actor,
  ): Promise<AccountMapped> {
    const records = this.access.records;
    const person = records.get('cardholders', body.cardholderId);
    const key = keyOf(body.account)!;
    const holder = [...this.access.engine.index.cardholders.values()].find(
      (c) => c.id !== person.id && keyOf(c.directoryAccount) === key,
    );
    if (holder)
      throw new DomainError(
        'conflict',
        'account.taken',
        `${body.account} is already the account of ${holder.name}; change theirs first`,
      );
    const before = person.directoryAccount;
    if (keyOf(before) !== key)
      await records.updateCardholder(person.id, { directoryAccount: body.account }, actor);
    // The identity map is rebuilt when the change commits; rebuilt now too, so the next login, the
    // list to map and the account's open sessions (now the person's, journaled) agree with this answer.
    await this.logins.remapAccounts();
    return {
      cardholderId: person.id,
      name: person.name,
      account: keyOf(before) === key ? before! : body.account,
      replaced: before && keyOf(before) !== key ? before : null,
    };
  }
}
