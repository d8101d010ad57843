import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// Built into dist/apps/console, which the gateway serves at `/`.
export default defineConfig({
  root: here,
  base: '/',
  build: { outDir: `${here}../../dist/apps/console`, emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' } },
});
