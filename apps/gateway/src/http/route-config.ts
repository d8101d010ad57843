import type { Action } from '@gatehouse/auth';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/** What a request body may be on one route: its media types and its largest size. */
export interface BodyPolicy {
  types: readonly string[];
  maxBytes: number;
}

/** The part of a Fastify route's config that Gatehouse reads in its hooks, before Nest runs. */
export interface GatehouseRouteConfig {
  access?: 'public' | 'signed-in';
  /** The permission matrix's action that the route needs. */
  action?: Action;
  /** Unset: JSON up to http.bodyLimitBytes. */
  body?: BodyPolicy;
}

/**
 * Merges into the Fastify route config of a handler (Nest's @RouteConfig
 * replaces it whole, so two decorators could not both set a part).
 */
export const routeConfig =
  (patch: GatehouseRouteConfig): MethodDecorator =>
  (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const previous = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ??
      {}) as GatehouseRouteConfig;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...previous, ...patch }, handler);
    return descriptor;
  };

/** The request body this route takes instead of JSON: these media types, at most this many bytes. */
export const Accepts = (types: readonly string[], maxBytes: number) =>
  routeConfig({ body: { types, maxBytes } });
