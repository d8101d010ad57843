import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type BoardDoor, DoorsService } from '@gatehouse/doors';
import { Allow } from '../http/auth.guard';
import type { Items } from './views';

@ApiTags('doors')
@Controller('api/v1/doors')
export class DoorsController {
  constructor(private readonly doors: DoorsService) {}

  @Get('board')
  @Allow('doors.board')
  @ApiOperation({
    summary:
      "Every door's live state (secure, open, held, forced…), its active alarms and its sensors' health",
  })
  board(): Items<BoardDoor> {
    return { items: this.doors.board() };
  }
}
