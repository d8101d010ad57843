import { join } from 'node:path';
import { register } from 'tsconfig-paths';

// A worker thread starts with a fresh module system: map `@gatehouse/<lib>` onto
// the build (dist/libs/<lib>/src) before anything else is loaded.
register({ baseUrl: join(__dirname, '..', '..', '..'), paths: { '@gatehouse/*': ['libs/*/src'] } });
