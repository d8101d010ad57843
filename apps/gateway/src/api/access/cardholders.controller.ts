import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AccessRecords,
  CardholderImport,
  CardholderInput,
  CardholderPatch,
  CredentialInput,
  CredentialPatch,
} from '@gatehouse/access';
import { type Actor, DomainError, isoInstant, parseIsoInstant } from '@gatehouse/contracts';
import { hiddenProperties, redactFor, type Principal } from '@gatehouse/auth';
import { Allow } from '../../http/auth.guard';
import { CurrentActor, CurrentPrincipal } from '../../http/request.decorators';
import { Accepts } from '../../http/route-config';
import { ApiJsonBody, ApiQueryOf, zod } from '../../http/validation';
import type { CardholderDetail, CardholderPage, CredentialView, DoorAccess, Items } from '../views';
import { checkId } from './records.controller';

const PHOTO_TYPES = ['image/jpeg', 'image/png'];
const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
const SEARCHED = ['name', 'employeeNumber', 'department', 'directoryAccount'] as const;

const SearchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe('Part of a name, employee number, department or directory account'),
  state: z.enum(['active', 'suspended', 'left']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const AtQuery = z.strictObject({ at: isoInstant.optional().describe('ISO 8601 time; now by default') });
const ImportQuery = z.strictObject({
  mode: z.enum(['dry-run', 'apply']).default('dry-run'),
  fileName: z.string().max(200).default('import.csv'),
});

const rawBody = (req: FastifyRequest, types: string[]): Buffer => {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  if (!types.includes(type) || !Buffer.isBuffer(req.body)) {
    throw new DomainError(
      'invalid',
      'request.media-type',
      `send the file itself with content type ${types.join(' or ')}`,
    );
  }
  return req.body;
};

@ApiTags('access')
@Controller('api/v1/access')
export class CardholdersController {
  constructor(
    private readonly records: AccessRecords,
    private readonly importer: CardholderImport,
  ) {}

  @Get('cardholders')
  @Allow('cardholders.read')
  @ApiOperation({ summary: 'Search cardholders (each role sees the fields of docs/permissions.md)' })
  @ApiQueryOf(SearchQuery)
  search(
    @Query(zod(SearchQuery)) query: z.infer<typeof SearchQuery>,
    @CurrentPrincipal() principal: Principal,
  ): CardholderPage {
    const q = query.q?.toLowerCase();
    // Only fields the caller may see are searched: a match must not reveal a hidden value.
    const hidden = hiddenProperties(principal.roles);
    const searched = SEARCHED.filter((f) => !hidden.has(f));
    const all = this.records.searchCardholders({ text: q, fields: searched, state: query.state });
    return {
      total: all.length,
      items: all.slice(query.offset, query.offset + query.limit).map((c) => redactFor(principal.roles, c)),
    };
  }

  @Get('cardholders/:id')
  @Allow('cardholders.read')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): CardholderDetail {
    const cardholder = this.records.get('cardholders', checkId(id, 'cardholder'));
    const credentials = this.records.credentialsOf(id).map((c) => redactFor(principal.roles, c));
    return redactFor(principal.roles, { ...cardholder, credentials });
  }

  @Post('cardholders')
  @Allow('cardholders.write')
  @ApiJsonBody(CardholderInput)
  create(@Body(zod(CardholderInput)) body: z.output<typeof CardholderInput>, @CurrentActor() actor: Actor) {
    return this.records.createCardholder(body, actor);
  }

  @Patch('cardholders/:id')
  @Allow('cardholders.write')
  @ApiOperation({ summary: 'Change a cardholder: state (suspend), levels, groups, details' })
  @ApiJsonBody(CardholderPatch)
  update(
    @Param('id') id: string,
    @Body(zod(CardholderPatch)) body: z.output<typeof CardholderPatch>,
    @CurrentActor() actor: Actor,
  ) {
    return this.records.updateCardholder(checkId(id, 'cardholder'), body, actor);
  }

  @Put('cardholders/:id/photo')
  @Allow('cardholders.write')
  @Accepts(PHOTO_TYPES, PHOTO_MAX_BYTES)
  @HttpCode(204)
  @ApiConsumes(...PHOTO_TYPES)
  @ApiOperation({ summary: 'Set the photo (the JPEG or PNG file as the body, at most 2 MiB)' })
  async putPhoto(@Param('id') id: string, @Req() req: FastifyRequest, @CurrentActor() actor: Actor) {
    const body = rawBody(req, PHOTO_TYPES);
    await this.records.setPhoto(
      checkId(id, 'cardholder'),
      String(req.headers['content-type']).split(';')[0]!,
      body,
      actor,
    );
  }

  @Get('cardholders/:id/photo')
  @Allow('cardholders.photo')
  @ApiProduces('image/jpeg', 'image/png')
  photo(@Param('id') id: string, @Res() reply: FastifyReply) {
    const p = this.records.photo(checkId(id, 'cardholder'));
    void reply
      .header('content-type', p.contentType)
      .header('cache-control', 'private, no-store')
      .send(p.data);
  }

  @Get('cardholders/:id/doors')
  @Allow('cardholders.doors')
  @ApiOperation({ summary: 'Which doors this person can open, and whether now (from the decision index)' })
  @ApiQueryOf(AtQuery)
  doors(@Param('id') id: string, @Query(zod(AtQuery)) query: z.infer<typeof AtQuery>): Items<DoorAccess> {
    const at = query.at === undefined ? undefined : parseIsoInstant(query.at)!;
    return { items: this.records.doorsOf(checkId(id, 'cardholder'), at) };
  }

  @Post('credentials')
  @Allow('cardholders.write')
  @ApiOperation({ summary: 'Issue a credential to a cardholder (PINs are stored as argon2id hashes)' })
  @ApiJsonBody(CredentialInput)
  createCredential(
    @Body(zod(CredentialInput)) body: z.output<typeof CredentialInput>,
    @CurrentActor() actor: Actor,
  ) {
    return this.records.createCredential(body, actor);
  }

  @Get('credentials/:id')
  @Allow('credentials.read')
  getCredential(@Param('id') id: string, @CurrentPrincipal() principal: Principal): CredentialView {
    return redactFor(principal.roles, this.records.getCredential(checkId(id, 'credential')));
  }

  @Patch('credentials/:id')
  @Allow('cardholders.write')
  @ApiOperation({ summary: 'Suspend, report lost, revoke, change validity or PIN' })
  @ApiJsonBody(CredentialPatch)
  updateCredential(
    @Param('id') id: string,
    @Body(zod(CredentialPatch)) body: z.output<typeof CredentialPatch>,
    @CurrentActor() actor: Actor,
  ) {
    return this.records.updateCredential(checkId(id, 'credential'), body, actor);
  }

  @Delete('credentials/:id')
  @Allow('cardholders.write')
  @HttpCode(204)
  async deleteCredential(@Param('id') id: string, @CurrentActor() actor: Actor) {
    await this.records.deleteCredential(checkId(id, 'credential'), actor);
  }

  @Post('import')
  @Allow('cardholders.write')
  @Accepts(['text/csv'], IMPORT_MAX_BYTES)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiQueryOf(ImportQuery)
  @ApiOperation({
    summary:
      'Import cardholders and credentials from CSV (UTF-8): a dry run reports what would change and every bad line; apply writes it in one transaction',
  })
  import(
    @Query(zod(ImportQuery)) query: z.infer<typeof ImportQuery>,
    @Req() req: FastifyRequest,
    @CurrentActor() actor: Actor,
  ) {
    const body = rawBody(req, ['text/csv']);
    return query.mode === 'apply'
      ? this.importer.apply(body, actor, query.fileName)
      : this.importer.plan(body).then((p) => p.report);
  }

  @Get('export')
  @Allow('cardholders.export')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="gatehouse-cardholders.csv"')
  @ApiProduces('text/csv')
  export(): string {
    return this.importer.export();
  }
}
