import { z } from 'zod';
import { stringify } from 'yaml';
import { configSchema } from './schema';
import { envNameFor } from './env';

/** JSON Schema of the configuration file, generated from the zod schema (editors validate with it). */
export const configJsonSchema = (): object => z.toJSONSchema(configSchema, { io: 'input' });

type Json = { [k: string]: unknown };

/**
 * `config/default.yaml`: every key with its default, commented with its description
 * and the environment variable that overrides it. Generated so it can never drift.
 */
export const defaultsYaml = (): string => {
  const schema = configJsonSchema() as Json;
  const lines: string[] = [
    '# Gatehouse defaults. Generated from libs/config/src/schema.ts by `npm run config:generate`;',
    '# do not edit: a site file named by GATEHOUSE_CONFIG overrides any key, and',
    '# GATEHOUSE_<KEY_PATH> environment variables override single keys.',
  ];
  const walk = (node: Json, path: string[], indent: string): void => {
    const props = (node.properties ?? {}) as Record<string, Json>;
    for (const [key, child] of Object.entries(props)) {
      const childPath = [...path, key];
      if (child.type === 'object' && child.properties) {
        lines.push(`${indent}${key}:`);
        walk(child, childPath, `${indent}  `);
        continue;
      }
      if (child.description) lines.push(`${indent}# ${String(child.description)} (${envNameFor(childPath)})`);
      if (child.default === undefined) {
        // Optional and unset by default: shown, commented out, for a site file to copy.
        lines.push(`${indent}# ${key}: …`);
        continue;
      }
      const rendered = stringify({ [key]: child.default }).trimEnd();
      lines.push(...rendered.split('\n').map((l) => `${indent}${l}`));
    }
  };
  walk(schema, [], '');
  return `${lines.join('\n')}\n`;
};
