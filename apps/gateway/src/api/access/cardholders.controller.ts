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
  AccessService,
  CardholderImport,
  CardholderInput,
  CardholderPatch,
  CredentialInput,
  CredentialPatch,
} from '@gatehouse/access';
import { type Actor, DomainError, isoInstant, parseIsoInstant } from '@gatehouse/contracts';
import { Roles } from '../../http/auth.guard';
import { CurrentActor } from '../../http/request.decorators';
import { ApiJsonBody, ApiQueryOf, zod } from '../../http/validation';
import { ACCESS_READERS, ACCESS_WRITERS, checkId } from './records.controller';

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
  private readonly importer: CardholderImport;
  constructor(private readonly access: AccessService) {
    this.importer = new CardholderImport(access);
  }

  @Get('cardholders')
  @Roles(...ACCESS_READERS, 'reception')
  @ApiOperation({ summary: 'Search cardholders' })
  @ApiQueryOf(SearchQuery)
  search(@Query(zod(SearchQuery)) query: z.infer<typeof SearchQuery>) {
    const q = query.q?.toLowerCase();
    const all = [...this.access.engine.index.cardholders.values()].filter(
      (c) =>
        (!query.state || c.state === query.state) &&
        (!q ||
          [c.name, c.employeeNumber, c.department, c.directoryAccount].some((v) =>
            v?.toLowerCase().includes(q),
          )),
    );
    all.sort((a, b) => a.name.localeCompare(b.name));
    return { total: all.length, items: all.slice(query.offset, query.offset + query.limit) };
  }

  @Get('cardholders/:id')
  @Roles(...ACCESS_READERS, 'reception')
  get(@Param('id') id: string) {
    const cardholder = this.access.get('cardholders', checkId(id, 'cardholder'));
    return { ...cardholder, credentials: this.access.credentialsOf(id) };
  }

  @Post('cardholders')
  @Roles(...ACCESS_WRITERS)
  @ApiJsonBody(CardholderInput)
  create(@Body(zod(CardholderInput)) body: z.output<typeof CardholderInput>, @CurrentActor() actor: Actor) {
    return this.access.createCardholder(body, actor);
  }

  @Patch('cardholders/:id')
  @Roles(...ACCESS_WRITERS)
  @ApiOperation({ summary: 'Change a cardholder: state (suspend), levels, groups, details' })
  @ApiJsonBody(CardholderPatch)
  update(
    @Param('id') id: string,
    @Body(zod(CardholderPatch)) body: z.output<typeof CardholderPatch>,
    @CurrentActor() actor: Actor,
  ) {
    return this.access.updateCardholder(checkId(id, 'cardholder'), body, actor);
  }

  @Put('cardholders/:id/photo')
  @Roles(...ACCESS_WRITERS)
  @HttpCode(204)
  @ApiConsumes('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'Set the photo (the JPEG or PNG file as the body, at most 2 MiB)' })
  async putPhoto(@Param('id') id: string, @Req() req: FastifyRequest, @CurrentActor() actor: Actor) {
    const body = rawBody(req, ['image/jpeg', 'image/png']);
    await this.access.setPhoto(
      checkId(id, 'cardholder'),
      String(req.headers['content-type']).split(';')[0]!,
      body,
      actor,
    );
  }

  @Get('cardholders/:id/photo')
  @Roles('facility-manager', 'guard', 'reception', 'responder', 'auditor')
  @ApiProduces('image/jpeg', 'image/png')
  photo(@Param('id') id: string, @Res() reply: FastifyReply) {
    const p = this.access.photo(checkId(id, 'cardholder'));
    void reply
      .header('content-type', p.contentType)
      .header('cache-control', 'private, no-store')
      .send(p.data);
  }

  @Get('cardholders/:id/doors')
  @Roles(...ACCESS_READERS)
  @ApiOperation({ summary: 'Which doors this person can open, and whether now (from the decision index)' })
  @ApiQueryOf(AtQuery)
  doors(@Param('id') id: string, @Query(zod(AtQuery)) query: z.infer<typeof AtQuery>) {
    const at = query.at === undefined ? Date.now() : parseIsoInstant(query.at)!;
    return { items: this.access.engine.doorsOf(checkId(id, 'cardholder'), at) };
  }

  @Post('credentials')
  @Roles(...ACCESS_WRITERS)
  @ApiOperation({ summary: 'Issue a credential to a cardholder (PINs are stored as argon2id hashes)' })
  @ApiJsonBody(CredentialInput)
  createCredential(
    @Body(zod(CredentialInput)) body: z.output<typeof CredentialInput>,
    @CurrentActor() actor: Actor,
  ) {
    return this.access.createCredential(body, actor);
  }

  @Get('credentials/:id')
  @Roles(...ACCESS_READERS)
  getCredential(@Param('id') id: string) {
    return this.access.getCredential(checkId(id, 'credential'));
  }

  @Patch('credentials/:id')
  @Roles(...ACCESS_WRITERS)
  @ApiOperation({ summary: 'Suspend, report lost, revoke, change validity or PIN' })
  @ApiJsonBody(CredentialPatch)
  updateCredential(
    @Param('id') id: string,
    @Body(zod(CredentialPatch)) body: z.output<typeof CredentialPatch>,
    @CurrentActor() actor: Actor,
  ) {
    return this.access.updateCredential(checkId(id, 'credential'), body, actor);
  }

  @Delete('credentials/:id')
  @Roles(...ACCESS_WRITERS)
  @HttpCode(204)
  async deleteCredential(@Param('id') id: string, @CurrentActor() actor: Actor) {
    await this.access.deleteCredential(checkId(id, 'credential'), actor);
  }

  @Post('import')
  @Roles(...ACCESS_WRITERS)
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
  @Roles(...ACCESS_WRITERS, 'auditor')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="gatehouse-cardholders.csv"')
  @ApiProduces('text/csv')
  export(): string {
    return this.importer.export();
  }
}
