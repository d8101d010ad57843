import { applyDecorators, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError } from '@gatehouse/contracts';

/**
 * Validates a body or query against a zod schema (strict objects: unknown
 * fields are refused) and names every bad field in the error details.
 */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(private readonly schema: T) {}
  transform(value: unknown): z.output<T> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(body)',
      message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
    }));
    throw new DomainError(
      'invalid',
      'request.invalid',
      `request does not match: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      {
        issues,
      },
    );
  }
}

export const zod = <T extends z.ZodType>(schema: T) => new ZodPipe(schema);

type OpenApiSchema = Record<string, unknown>;
const jsonSchema = (schema: z.ZodType): OpenApiSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as OpenApiSchema;
  return rest;
};

/** Documents a JSON body in the OpenAPI document from the same schema that validates it. */
export const ApiJsonBody = (schema: z.ZodType) => ApiBody({ schema: jsonSchema(schema) as never });

/** Documents each query parameter of a strict object schema. */
export const ApiQueryOf = (schema: z.ZodObject) =>
  applyDecorators(
    ...Object.entries(jsonSchema(schema).properties as Record<string, OpenApiSchema>).map(([name, s]) =>
      ApiQuery({
        name,
        required: false,
        schema: s as never,
        description: (s.description as string) ?? undefined,
      }),
    ),
  );

/** A query value that may come once or repeated (?type=a&type=b) or comma separated. */
export const listParam = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));
