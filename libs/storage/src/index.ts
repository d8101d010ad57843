export * from './database';
export * from './migrations';
export * from './read-pool';
