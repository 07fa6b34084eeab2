// Next.js config of the operator web app: a static export (apps/web/out) served by the API on the same origin.
// Built from the repo root with `npx next build apps/web` (see scripts/build-web.mjs).
process.env.NEXT_TELEMETRY_DISABLED = '1';

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default nextConfig;
