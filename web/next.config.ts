// Next.js settings for the storefront: security headers on every response (stricter on order
// pages), no framework fingerprint, and the monorepo root for tracing (the standalone output SST deploys).
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";
import { orderPageHeaders, staticSecurityHeaders } from "./lib/security-headers";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  async headers() {
    return [
      { source: "/:path*", headers: [...staticSecurityHeaders] },
      // Later entries win: an order page sends no Referer at all, from its first subresource on.
      { source: "/orders/:path*", headers: [...orderPageHeaders] },
    ];
  },
};

export default nextConfig;
