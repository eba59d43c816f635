/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The build checks the app's own code; `npm test` type-checks the whole repository (tests, scripts).
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // Server-side packages that must stay plain Node modules (native bits, workers, dynamic requires).
  serverExternalPackages: [
    "pino",
    "bullmq",
    "ioredis",
    "pg",
    "@prisma/adapter-pg",
    "pm2",
    // The queue board renders its own page from its package's files.
    "@bull-board/api",
    "@bull-board/hono",
    "@bull-board/ui",
    "hono",
  ],
};

export default nextConfig;
