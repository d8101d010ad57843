import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpException, type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, isDomainError } from '@gatehouse/contracts';
import type { ErrorBody } from '../api/views';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  locked: 423,
  'rate-limited': 429,
  unavailable: 503,
};

const HTTP_CODES: Record<number, string> = {
  400: 'request.invalid',
  401: 'auth.required',
  403: 'auth.forbidden',
  404: 'http.not-found',
  405: 'http.method-not-allowed',
  406: 'http.not-acceptable',
  408: 'request.timeout',
  413: 'request.too-large',
  414: 'request.uri-too-long',
  415: 'request.unsupported-media-type',
  429: 'request.rate-limited',
  431: 'request.headers-too-large',
};

/**
 * Errors raised before any handler, by Fastify (routing, body parsing) or by
 * Node's HTTP parser (the client-error event), mapped to our codes.
 */
const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request.too-large', 'request body is larger than allowed'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'request.unsupported-media-type', 'send JSON (application/json)'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'request.malformed-json', 'body is empty but declared as JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'request.malformed-json', 'body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'request.invalid', 'content length does not match the body'],
  FST_ERR_BAD_URL: [400, 'request.bad-url', 'the URL is not validly percent-encoded'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'request.uri-too-long', 'a path segment is longer than allowed'],
  FST_ERR_ASYNC_CONSTRAINT: [500, 'internal', 'internal error'],
  HPE_HEADER_OVERFLOW: [431, 'request.headers-too-large', 'the request headers are larger than allowed'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request.timeout', 'the request took too long to arrive'],
};

/** A refusal decided at the HTTP layer, before Nest, with its status and our code. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** One error shape for every failure, whoever raised it. Anything unexpected is a 500 that hides its cause but logs it. */
export const toErrorResponse = (error: unknown, requestId: string): { status: number; body: ErrorBody } => {
  if (error instanceof HttpRefusal) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, details: error.details } },
    };
  }
  if (isDomainError(error)) {
    return {
      status: STATUS[error.kind],
      body: { error: { code: error.code, message: error.message, details: error.details } },
    };
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's body-parsing errors; the original says what went wrong.
    const cause = (error as { cause?: { code?: string } }).cause;
    const fastifyCode =
      cause?.code ?? (/not valid JSON/.test(error.message) ? 'FST_ERR_CTP_INVALID_JSON_BODY' : undefined);
    if (fastifyCode && FASTIFY_CODES[fastifyCode]) {
      const [status, code, message] = FASTIFY_CODES[fastifyCode]!;
      return { status, body: { error: { code, message, details: {} } } };
    }
    const status = error.getStatus();
    const message = status === 404 ? 'no such resource' : error.message;
    return {
      status,
      body: { error: { code: HTTP_CODES[status] ?? `http.${status}`, message, details: {} } },
    };
  }
  const fe = error as Partial<FastifyError>;
  if (fe?.code && FASTIFY_CODES[fe.code]) {
    const [status, code, message] = FASTIFY_CODES[fe.code]!;
    return { status, body: { error: { code, message, details: {} } } };
  }
  if (error instanceof SyntaxError || (fe?.statusCode === 400 && /JSON/i.test(String(fe.message)))) {
    return {
      status: 400,
      body: { error: { code: 'request.malformed-json', message: 'body is not valid JSON', details: {} } },
    };
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const status = fe.statusCode;
    return {
      status,
      body: {
        error: { code: HTTP_CODES[status] ?? `http.${status}`, message: String(fe.message), details: {} },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal',
        message: 'internal error; the request id identifies it in the log',
        details: { requestId },
      },
    },
  };
};

@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  constructor(private readonly onNotFoundPage?: (req: FastifyRequest, reply: FastifyReply) => boolean) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const req = http.getRequest<FastifyRequest>();
    if (error instanceof HttpException && error.getStatus() === 404 && this.onNotFoundPage?.(req, reply))
      return;
    const { status, body } = toErrorResponse(error, String(req.id));
    if (status >= 500) this.logger.error({ err: error, reqId: req.id }, 'request failed');
    if (reply.sent || reply.raw.headersSent) return;
    // A refusal for going too fast says when to come back (RFC 9110 §10.2.3), in whole seconds.
    const retryAfter = body.error.details.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number')
      void reply.header('retry-after', String(retryAfter));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

/** Fastify's routing errors (bad percent-encoding, over-long path segment) through the same mapping. */
export const frameworkErrors = (error: unknown, req: FastifyRequest, reply: FastifyReply): void => {
  const { status, body } = toErrorResponse(error, String(req.id));
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
};

/**
 * Node refuses some requests before Fastify sees them (headers too large, a
 * malformed request line, a timeout): the answer is written to the socket
 * by hand, in the same shape, and the connection closed.
 */
export const clientErrorHandler = (error: Error & { code?: string }, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  const [status, code, message] = known ?? [400, 'request.malformed', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message, details: {} } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
};
