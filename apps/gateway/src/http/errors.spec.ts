import { BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError } from '@gatehouse/contracts';
import { HttpRefusal, toErrorResponse } from './errors';

describe('error mapping', () => {
  it('maps domain error kinds to statuses in the one error shape', () => {
    const cases: [DomainError['kind'], number][] = [
      ['invalid', 400],
      ['unauthenticated', 401],
      ['forbidden', 403],
      ['not-found', 404],
      ['conflict', 409],
      ['too-large', 413],
      ['locked', 423],
      ['rate-limited', 429],
      ['unavailable', 503],
    ];
    for (const [kind, status] of cases) {
      expect(toErrorResponse(new DomainError(kind, 'x.y', 'msg', { a: 1 }), 'r')).toEqual({
        status,
        body: { error: { code: 'x.y', message: 'msg', details: { a: 1 } } },
      });
    }
  });

  it('maps Fastify body errors and Nest exceptions', () => {
    expect(toErrorResponse({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'r').status).toBe(413);
    expect(
      toErrorResponse({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 'r').body.error.code,
    ).toBe('request.unsupported-media-type');
    expect(
      toErrorResponse(
        new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'"),
        'r',
      ).body.error.code,
    ).toBe('request.malformed-json');
    expect(toErrorResponse(new NotFoundException(), 'r')).toMatchObject({
      status: 404,
      body: { error: { code: 'http.not-found' } },
    });
  });

  it('maps refusals of the HTTP layer and errors raised before routing', () => {
    expect(
      toErrorResponse(new HttpRefusal(415, 'request.unsupported-media-type', 'm', { accepts: ['a'] }), 'r'),
    ).toEqual({
      status: 415,
      body: { error: { code: 'request.unsupported-media-type', message: 'm', details: { accepts: ['a'] } } },
    });
    expect(toErrorResponse({ code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414 }, 'r')).toMatchObject({
      status: 414,
      body: { error: { code: 'request.uri-too-long' } },
    });
    expect(toErrorResponse({ code: 'FST_ERR_BAD_URL', statusCode: 400 }, 'r').body.error.code).toBe(
      'request.bad-url',
    );
    expect(toErrorResponse({ code: 'HPE_HEADER_OVERFLOW' }, 'r').status).toBe(431);
  });

  it('hides the cause of unexpected errors behind the request id', () => {
    const r = toErrorResponse(new Error('SQLITE_CORRUPT at /data/secret/path'), 'req-42');
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(r.body.error.details).toEqual({ requestId: 'req-42' });
  });
});
