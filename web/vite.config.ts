import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => decodeURIComponent(new URL(path, import.meta.url).pathname);

/**
 * The admin console. `npm run build` writes web/dist, which the Gatehouse server serves at `/`;
 * `npx vite --config web/vite.config.ts` runs a dev server that proxies /api to a local Gatehouse.
 */
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    alias: [
      // Radix's scroll lock injects <style> elements, which the strict CSP (style-src 'self') refuses.
      // The shim applies the same rules through a constructed stylesheet instead (docs/adr/0002-console-csp.md).
      { find: /^react-style-singleton$/, replacement: here('./src/lib/style-singleton-shim.ts') },
    ],
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inlined data: fonts or scripts; images may still be data: URIs (img-src allows them).
    assetsInlineLimit: 0,
    // Maps are written next to the files as a build artifact, without the `sourceMappingURL` comment:
    // browsers never ask for them, and the server refuses to serve `*.map` (issue 10, item 11).
    sourcemap: 'hidden',
    target: 'es2022',
    // Libraries change less often than the console: a separate file stays cached across releases.
    // The password estimator's dictionaries (about 1 MB) are their own chunk, fetched only when a
    // page with a new-password field opens (web/src/lib/password-strength.ts).
    rollupOptions: {
      output: {
        manualChunks: (id) =>
          id.includes('/node_modules/@zxcvbn-ts/') || id.includes('/node_modules/fastest-levenshtein/')
            ? 'password-estimator'
            : id.includes('/node_modules/')
              ? 'vendor'
              : undefined,
      },
    },
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://localhost:8080', changeOrigin: false } },
  },
});
