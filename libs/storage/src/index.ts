export { type Db, migrate, type Statement, MigrationError, openDatabase } from './database';
export { MIGRATIONS } from './migrations';
export { ReadPool } from './read-pool';
