import { applyDecorators, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError, issueInWords } from '@gatehouse/contracts';

/** At most this many problems are listed (and as many unknown field names per problem); the rest are counted. */
export const MAX_ISSUES = 20;

const names = (keys: readonly string[]) =>
  keys.length > MAX_ISSUES
    ? `${keys.slice(0, MAX_ISSUES).join(', ')} and ${keys.length - MAX_ISSUES} more`
    : keys.join(', ');

/**
 * Validates a body or query against a zod schema (strict objects: unknown
 * fields are refused) and names the bad fields in the error details, saying
 * whether they were in the body or the query, each problem in words
 * (`issueInWords`: "must be at least 12 characters", not zod's "Too small:
 * expected string to have >=12 characters"). A hostile request with a
 * million bad fields gets a short answer: the first few, and a count.
 */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(private readonly schema: T) {}
  transform(value: unknown, metadata?: ArgumentMetadata): z.output<T> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    // Parsed again for the words: a parse with an error map is about ten times slower, and only a refusal needs it.
    const result = this.schema.safeParse(value ?? {}, { error: issueInWords });
    if (result.success) return result.data;
    const where = metadata?.type === 'query' ? 'query' : metadata?.type === 'param' ? 'path' : 'body';
    const all = result.error.issues;
    const issues = all.slice(0, MAX_ISSUES).map((i) => ({
      in: where,
      path: i.path.map(String).join('.').slice(0, 200) || `(${where})`,
      message:
        i.code === 'unrecognized_keys'
          ? `has unknown field(s): ${names(i.keys.map((k) => k.slice(0, 100)))}`
          : i.message.slice(0, 300),
    }));
    const more = all.length - issues.length;
    throw new DomainError(
      'invalid',
      'request.invalid',
      `${where} does not match: ${issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}${all.length > 5 ? ` (and ${all.length - 5} more)` : ''}`,
      more > 0 ? { in: where, issues, moreIssues: more } : { in: where, issues },
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
