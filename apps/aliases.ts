import { join } from 'node:path';
import { register } from 'tsconfig-paths';

// Built code keeps the `@gatehouse/<lib>` imports; map them onto dist/libs/<lib>/src.
// This file compiles to dist/apps/aliases.js, so the build root is one level up.
register({ baseUrl: join(__dirname, '..'), paths: { '@gatehouse/*': ['libs/*/src'] } });
