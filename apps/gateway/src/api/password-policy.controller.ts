import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type PasswordPolicyView, passwordRules, sitePasswordPolicy } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import { GATEHOUSE_CONFIG } from '@gatehouse/contracts';
import { Public } from '../http/auth.guard';

/**
 * The password rules, for the console to show while one is chosen (issue 11,
 * item 10). Public: the first administrator chooses one before anyone can sign
 * in, and the rules are no secret (the weak-word list itself is not sent).
 */
@ApiTags('auth')
@Controller('api/v1/auth')
export class PasswordPolicyController {
  constructor(@Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig) {}

  @Get('password-policy')
  @Public()
  @ApiOperation({
    summary:
      'The rules a new password must meet, in words and limits, to show before one is chosen (also before the first administrator exists)',
  })
  passwordPolicy(): PasswordPolicyView {
    return passwordRules(
      sitePasswordPolicy(this.config.auth.passwordMinLength, this.config.security.profile),
    );
  }
}
