import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Built into the Python package: the server serves these files at /ui/ (nothing is fetched from a CDN).
export default defineConfig({
  base: "/ui/",
  plugins: [react()],
  build: {
    outDir: "../src/choreo/api/ui_dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
