/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The app is served by the Coffer server itself (same origin, strict CSP: no inline script or style), so the build
// emits only external, content-hashed files under /assets and never inlines assets as data: URIs into scripts.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` against a local `coffer demo` (or `coffer server --dev`) on the default address.
    proxy: { "/api": { target: "https://127.0.0.1:8443", secure: false } },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
