import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA (src/web) is built into dist/web and served by Portico itself (src/server/http/web.ts).
// `npm run dev:web` serves it with hot reload on :5173 and forwards API and protocol paths to a
// Portico on :8080 started with PORTICO_PUBLIC_URL=http://localhost:5173 (see docs/web.md), so the
// browser sees one origin, as in production.
const backend = 'http://localhost:8080';
const proxied = ['/v1.0', '/oauth2', '/.well-known', '/discovery', '/oidc', '/login', '/healthz'];

export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // React + Mantine + the router are ~650 kB (≈200 kB gzipped); the admin pages are a separate chunk.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
  },
});
