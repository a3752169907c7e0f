/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` runs `tsc --noEmit` over the whole project (tests included);
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Pages never import server code at runtime (only the AppRouter type), so
  // Prisma and the database drivers stay out of the Next bundles.
};

export default nextConfig;
