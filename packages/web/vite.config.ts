import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is served by Strata itself (packages/server/src/http/web-ui.ts); `vite` in dev proxies the APIs to it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // The CSP allows no inline script, and every browser Strata supports preloads modules itself.
    modulePreload: { polyfill: false },
    // scripts/check-bundle-budget.js holds the first load to 400 KB gzipped; Vite's minified-size warning adds nothing.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
