/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// The gateway serves the built client (dist/) itself; `npm run dev` proxies the API to a
// gateway on KLUSTERA_GATEWAY (default http://127.0.0.1:8080).
const gateway = process.env.KLUSTERA_GATEWAY ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    // Hashed file names under assets/ (the gateway caches them for a year).
    assetsDir: "assets",
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      "/graphql/ws": { target: gateway.replace(/^http/, "ws"), ws: true },
      "/graphql": { target: gateway, changeOrigin: false },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
