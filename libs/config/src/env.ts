import { z } from 'zod';

/** The leaf keys of the schema with the zod type at each, found by walking object shapes. */
export interface LeafKey {
  path: string[];
  envName: string;
  kind: 'string' | 'number' | 'boolean' | 'array' | 'other';
}

const toSnake = (segment: string): string => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export const envNameFor = (path: string[]): string => `GATEHOUSE_${path.map(toSnake).join('_')}`;

type AnyDef = { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: z.ZodRawShape };

const unwrap = (schema: z.ZodType): z.ZodType => {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    const def = current.def as unknown as AnyDef;
    if ((def.type === 'default' || def.type === 'prefault' || def.type === 'optional') && def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      break;
    }
  }
  return current;
};

export const leafKeys = (schema: z.ZodType, prefix: string[] = []): LeafKey[] => {
  const inner = unwrap(schema);
  const def = inner.def as unknown as AnyDef;
  if (def.type === 'object') {
    const shape = (inner as z.ZodObject).shape;
    return Object.entries(shape).flatMap(([key, child]) => leafKeys(child as z.ZodType, [...prefix, key]));
  }
  const kind =
    def.type === 'string' || def.type === 'enum' || def.type === 'literal'
      ? def.type === 'literal'
        ? 'number'
        : 'string'
      : def.type === 'number' || def.type === 'boolean' || def.type === 'array'
        ? def.type
        : 'other';
  return [{ path: prefix, envName: envNameFor(prefix), kind }];
};

/** Turns an environment string into the type the key expects; validation still happens in the schema. */
export const coerceEnv = (kind: LeafKey['kind'], raw: string): unknown => {
  switch (kind) {
    case 'number':
      return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
    case 'boolean':
      return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
    case 'array':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    default:
      return raw;
  }
};
