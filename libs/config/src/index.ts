export { configSchema, ROLE_NAMES } from './schema';
export { ConfigError, type GatehouseConfig, loadConfig, readSecret } from './loader';
export { configJsonSchema, defaultsYaml } from './document';
export { checkSecrets, readReaderKey } from './secrets';
