import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessService, OUTSIDE_ZONE } from '@gatehouse/access';
import { type Actor, DomainError } from '@gatehouse/contracts';
import type { WorkstationPlaced } from '../api/views';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
import { ApiJsonBody, zod } from '../http/validation';
import { LoginsGateway } from './logins-gateway';
import type { WorkstationPlaces } from './workstation-places';

/** A host name as a workstation names itself (`ws-12`, `ws-12.corp.example.com`) or an IPv4/IPv6 address. */
const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'is not a host name or an address')
  .describe('The workstation: its host name (as it names itself) or its address');

const PlaceWorkstation = z
  .strictObject({
    host: Host,
    zone: z.string().trim().min(1).max(64).nullable().default(null).describe('The zone (id) it stands in'),
    remote: z
      .boolean()
      .default(false)
      .describe('A jump host or VPN gateway: sessions on it are remote, presence is not expected'),
  })
  .refine((p) => p.zone !== null || p.remote, {
    message: 'a workstation is placed in a zone, or marked remote, or both',
    path: ['zone'],
  });

/**
 * Workstations placed by the facility manager (issue 13, identity): a host
 * in a zone, or in the remote class, beside the site file's
 * `logins.workstations` and before it for the same host. Each change
 * journaled (`workstation.placed`, `workstation.unplaced`) and kept.
 */
@ApiTags('logins')
@Controller('api/v1/mapping/workstations')
export class WorkstationsController {
  constructor(
    @Inject(LoginsGateway) private readonly logins: LoginsGateway,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  private get places(): WorkstationPlaces {
    if (!this.logins.places)
      throw new DomainError(
        'unavailable',
        'workstations.unavailable',
        'workstation placing is not available',
      );
    return this.logins.places;
  }

  @Get()
  @Allow('directory.unmapped')
  @ApiOperation({ summary: 'Workstations placed on the console (zone or remote), beside the site file' })
  list(): WorkstationPlaced[] {
    return this.places.list();
  }

  @Post()
  @HttpCode(200)
  @Allow('workstations.map')
  @ApiJsonBody(PlaceWorkstation)
  @ApiOperation({ summary: 'Place a workstation in a zone or mark it remote (journaled as the operator’s)' })
  async place(
    @Body(zod(PlaceWorkstation)) body: z.output<typeof PlaceWorkstation>,
    @CurrentActor() actor: Actor,
  ): Promise<WorkstationPlaced> {
    if (body.zone !== null) this.requireZone(body.zone);
    return this.places.place(body.host, { zone: body.zone, remote: body.remote }, actor);
  }

  @Delete(':host')
  @HttpCode(204)
  @Allow('workstations.map')
  @ApiOperation({ summary: 'Take a console placing back (the site file’s, if any, holds again; journaled)' })
  async unplace(@Param('host') host: string, @CurrentActor() actor: Actor): Promise<void> {
    const parsed = Host.safeParse(host);
    if (!parsed.success)
      throw new DomainError('invalid', 'workstation.host', 'not a host name or an address');
    if (!(await this.places.unplace(parsed.data, actor)))
      throw new DomainError(
        'not-found',
        'workstation.not-placed',
        `${parsed.data} was not placed on the console`,
      );
  }

  /** A zone of the site plan; beyond every zone is no place for a workstation. */
  private requireZone(zone: string): void {
    let known = zone !== OUTSIDE_ZONE;
    if (known)
      try {
        this.access.records.get('access_zones', zone);
      } catch {
        known = false;
      }
    if (!known) throw new DomainError('invalid', 'zone.unknown', `unknown zone: ${zone}`);
  }
}
