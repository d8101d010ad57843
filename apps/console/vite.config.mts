import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// Built into dist/apps/console, which the gateway serves at `/`.
export default defineConfig({
  root: here,
  base: '/',
  build: {
    outDir: `${here}../../dist/apps/console`,
    emptyOutDir: true,
    sourcemap: true,
    // Browsers that have light-dark(): below them the CSS minifier rewrites every light-dark() token
    // into prefers-color-scheme media queries, and the theme chosen in the console (color-scheme on
    // <html>) no longer picks a side: Dark on a light system stayed light.
    cssTarget: ['chrome123', 'edge123', 'firefox120', 'safari17.5'],
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' } },
});
