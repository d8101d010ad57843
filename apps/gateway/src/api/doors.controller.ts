import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessService, ERASED_NAME } from '@gatehouse/access';
import { may, type Principal } from '@gatehouse/auth';
import { DoorsService } from '@gatehouse/doors';
import { Allow } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import type { BoardDoor, Items } from './views';

@ApiTags('doors')
@Controller('api/v1/doors')
export class DoorsController {
  constructor(
    private readonly doors: DoorsService,
    private readonly access: AccessService,
  ) {}

  @Get('board')
  @Allow('doors.board')
  @ApiOperation({
    summary:
      "Every door's live state (secure, open, held, forced…) and since when, its active alarms, its sensors' health, and the last person a grant let through",
  })
  board(@CurrentPrincipal() principal: Principal): Items<BoardDoor> {
    const people = this.access.lookup.cardholders;
    // Names for those who may read people; photos only for the roles the matrix shows them to.
    const names = may(principal.roles, 'cardholders.read');
    const photos = may(principal.roles, 'cardholders.photo');
    return {
      items: this.doors.board().map((d) => {
        if (!d.lastThrough) return { ...d, lastThrough: null };
        const person = people.get(d.lastThrough.cardholderId);
        // Erased: no personal data is left to show, and "erased person" reveals none, so every role is told.
        const erased = person?.name === ERASED_NAME;
        return {
          ...d,
          lastThrough: {
            ...d.lastThrough,
            name: names || erased ? (person?.name ?? null) : null,
            ...(photos && person?.hasPhoto && !erased ? { photo: true } : {}),
            ...(erased ? { erased: true } : {}),
          },
        };
      }),
    };
  }
}
