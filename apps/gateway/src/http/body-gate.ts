import type { FastifyInstance, FastifyRequest } from 'fastify';
import { may, rolesFor } from '@gatehouse/auth';
import type { AuthGuard } from './auth.guard';
import { HttpRefusal } from './errors';
import { jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_ITEMS } from './json-shape';
import type { BodyPolicy, GatehouseRouteConfig } from './route-config';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const mediaType = (req: FastifyRequest): string =>
  String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

const hasBody = (req: FastifyRequest): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** Why this request's body is refused from its headers alone, or null. */
const refusal = (req: FastifyRequest, policy: BodyPolicy): HttpRefusal | null => {
  const type = mediaType(req);
  if (!policy.types.includes(type))
    return new HttpRefusal(
      415,
      'request.unsupported-media-type',
      `this endpoint takes ${policy.types.join(' or ')}${type ? `, not ${type.slice(0, 100)}` : ''}`,
      { accepts: policy.types },
    );
  const length = Number(req.headers['content-length']);
  if (length > policy.maxBytes)
    return new HttpRefusal(413, 'request.too-large', `request body is larger than ${policy.maxBytes} bytes`, {
      maxBytes: policy.maxBytes,
    });
  return null;
};

/**
 * Each route takes its own media types and sizes (JSON up to `jsonLimit`
 * unless it declares @Accepts), and a body is judged from its headers before
 * a byte of it is parsed: wrong type, too large, or a caller who is not signed
 * in (or lacks the role) on a route that needs one. Parsing a body costs
 * memory and time, so nobody gets it for free.
 */
export const installBodyGate = (fastify: FastifyInstance, jsonLimit: number, guard: AuthGuard): void => {
  const json: BodyPolicy = { types: ['application/json'], maxBytes: jsonLimit };
  fastify.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as GatehouseRouteConfig;
    route.config = { ...config, body: config.body ?? json } as typeof route.config;
    route.bodyLimit = (config.body ?? json).maxBytes;
  });

  // JSON is decoded strictly: invalid UTF-8 is named as such, not as a length mismatch;
  // and nesting and item counts are bounded before parsing, which they would stall.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new HttpRefusal(400, 'request.invalid-utf8', 'body is not valid UTF-8'), undefined);
      return;
    }
    const problem = jsonShapeProblem(text);
    if (problem) {
      done(
        problem === 'too-deep'
          ? new HttpRefusal(400, 'request.too-deep', `JSON nests deeper than ${MAX_JSON_DEPTH} levels`, {
              maxDepth: MAX_JSON_DEPTH,
            })
          : new HttpRefusal(400, 'request.too-many-items', `JSON holds more than ${MAX_JSON_ITEMS} items`, {
              maxItems: MAX_JSON_ITEMS,
            }),
        undefined,
      );
      return;
    }
    parseJson(req, text, done);
  });
  // Files sent as themselves (CSV imports, photos): kept as bytes for the one route that takes each.
  fastify.addContentTypeParser(
    ['text/csv', 'image/jpeg', 'image/png'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );

  fastify.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config as GatehouseRouteConfig;
    if (!BODY_METHODS.has(req.method) || !hasBody(req) || !config?.body) return;
    let refused: Error | null = refusal(req, config.body);
    if (!refused && config.access === 'signed-in') {
      try {
        const principal = guard.principalOf(req);
        if (!principal)
          refused = new HttpRefusal(401, 'auth.required', 'sign in first (session expired or missing)');
        // A signed-in caller without the role is refused here as the guard would (and journaled), unread.
        else if (config.action && principal.stage === 'full' && !may(principal.roles, config.action))
          refused = guard.forbidden(principal, req, rolesFor(config.action));
      } catch (error) {
        refused = error as Error;
      }
    }
    // Refused before a byte of the body is read. Node then reads and drops what the client still
    // sends, so the client gets this answer (not a reset socket) and the connection stays usable.
    if (refused) throw refused;
  });
};
