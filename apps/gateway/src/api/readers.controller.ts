import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { bitsToHex, CARD_FORMATS, interpret, toBits } from '@gatehouse/bridge-protocol';
import { type Actor, DomainError, reasonText } from '@gatehouse/contracts';
import { Journal } from '@gatehouse/journal';
import { ReadersService } from '@gatehouse/readers';
import { Allow } from '../http/auth.guard';
import { CurrentActor } from '../http/request.decorators';
import { ApiJsonBody, zod } from '../http/validation';
import type { CardBitsInterpretation, ReadersStatus } from './views';

const MAX_BITS = 256;

const ReasonBody = z.strictObject({ reason: reasonText });

/** Raw bits as a facility manager copies them: a string of 0 and 1, or hex with the bit count. */
export const CardBitsBody = z.union([
  z.strictObject({ bits: z.string().regex(/^[01]{1,256}$/, 'bits are 1 to 256 characters of 0 and 1') }),
  z.strictObject({
    hex: z
      .string()
      .transform((h) => h.replace(/\s|^0x/gi, ''))
      .pipe(z.string().regex(/^([0-9a-fA-F]{2}){1,32}$/, 'hex is whole bytes, 1 to 32 of them')),
    bitCount: z
      .number()
      .int()
      .min(1)
      .max(MAX_BITS)
      .describe('How many of the bits, from the first, were read'),
  }),
]);

@ApiTags('readers')
@Controller('api/v1/readers')
export class ReadersController {
  constructor(
    @Inject(ReadersService) private readonly readers: ReadersService,
    private readonly journal: Journal,
  ) {}

  @Get()
  @Allow('readers.status')
  @ApiOperation({
    summary:
      'Every serial port and reader: online, secure channel, model and firmware, last seen, error counters',
  })
  status(): ReadersStatus {
    return this.readers.status();
  }

  @Get('ports/:id/capture')
  @Allow('readers.capture')
  @ApiOperation({ summary: 'The raw bytes a port saw lately (both directions), for field debugging' })
  @ApiProduces('text/plain')
  async capture(@Param('id') id: string, @CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const text = this.readers.capture(id);
    if (text === null)
      throw new DomainError('not-found', 'port.not-found', `no serial port "${id.slice(0, 64)}"`);
    // The capture holds card numbers as read: who took one is on record.
    await this.journal.append({
      type: 'reader.capture-downloaded',
      source: 'http',
      actor,
      subjects: [{ kind: 'device', id }],
      payload: { port: id, bytes: text.length },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    void reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="gatehouse-capture-${id}-${stamp}.txt"`)
      .header('cache-control', 'no-store')
      .send(`${text}\n`);
  }

  @Post(':id/reinstall-key')
  @HttpCode(202)
  @Allow('readers.keys')
  @ApiOperation({
    summary:
      'A reader with a gateway-made key was replaced: make a new key and install it (SCBK-D, then KEYSET) at the next handshake',
  })
  @ApiJsonBody(ReasonBody)
  async reinstallKey(
    @Param('id') id: string,
    @Body(zod(ReasonBody)) body: z.infer<typeof ReasonBody>,
    @CurrentActor() actor: Actor,
  ) {
    const readerId = this.managedReader(id);
    await this.readers.reinstallKey(readerId, { actor, reason: body.reason, source: 'http' });
    return { readerId, state: 'reinstalling' };
  }

  @Post(':id/rotate-key')
  @HttpCode(202)
  @Allow('readers.keys')
  @ApiOperation({
    summary:
      "Replace a reader's gateway-made key: a new key is stored beside the old, sent by KEYSET inside a session with the old one, and used from then on",
  })
  @ApiJsonBody(ReasonBody)
  async rotateKey(
    @Param('id') id: string,
    @Body(zod(ReasonBody)) body: z.infer<typeof ReasonBody>,
    @CurrentActor() actor: Actor,
  ) {
    const readerId = this.managedReader(id);
    const started = await this.readers.rotateKey(readerId, { actor, reason: body.reason, source: 'http' });
    if (!started)
      throw new DomainError(
        'conflict',
        'reader.key-not-installed',
        `reader "${readerId}" has no key installed yet`,
      );
    return { readerId, state: 'rotating' };
  }

  /** The reader id, if it is a serial reader whose key the gateway made; otherwise the error to answer. */
  private managedReader(id: string): string {
    const readerId = id.slice(0, 64);
    const check = this.readers.managedKeyStatus(readerId);
    if (check === 'unknown-reader')
      throw new DomainError('not-found', 'reader.not-found', `no serial reader "${readerId}"`);
    if (check === 'not-managed')
      throw new DomainError(
        'conflict',
        'reader.key-not-managed',
        `reader "${readerId}" has no gateway-made key: its key is set in the configuration`,
      );
    return readerId;
  }

  @Post('card-formats/interpret')
  @HttpCode(200)
  @Allow('readers.card-formats')
  @ApiOperation({ summary: 'Every card format the bits fit, with its parity verdict, and the raw reading' })
  @ApiJsonBody(CardBitsBody)
  interpret(@Body(zod(CardBitsBody)) body: z.infer<typeof CardBitsBody>): CardBitsInterpretation {
    let bits: number[];
    if ('bits' in body) bits = toBits(body.bits);
    else {
      const bytes = Buffer.from(body.hex, 'hex');
      if (body.bitCount > bytes.length * 8)
        throw new DomainError(
          'invalid',
          'request.invalid',
          `${body.bitCount} bits do not fit in ${bytes.length} bytes`,
        );
      bits = toBits({ bytes, count: body.bitCount });
    }
    return {
      bitCount: bits.length,
      bits: bits.join(''),
      hex: bitsToHex(bits),
      interpretations: interpret(bits),
      formats: CARD_FORMATS.map((f) => ({ name: f.name, bits: f.bits })),
    };
  }
}
