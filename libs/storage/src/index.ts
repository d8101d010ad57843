export { type Db, migrate, MigrationError, openDatabase } from './database';
export { MIGRATIONS } from './migrations';
export { ReadPool } from './read-pool';
