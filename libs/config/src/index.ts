export * from './schema';
export * from './loader';
export * from './env';
export * from './document';
export * from './secrets';
export * from './security-profile';
