/**
 * The yardstick for reads "through the same server": Virtual Office's own tRPC
 * stack (the HTTP handler as server.ts mounts it, createContext with the session
 * cache, authedProcedure with its middlewares, superjson) serving one no-op query,
 * without a database call. Started by bench/side-by-side.ts on the Virtual Office
 * server's database and secrets, so the same bearer tokens authenticate.
 *
 *   DATABASE_URL=… VO_SECRETS_DIR=… PORT=… node --import tsx bench/noop/server.ts
 */
import http from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appOrigins, startServices } from "@/server/services";
import { createContext } from "@/server/trpc/context";
import { authedProcedure, router } from "@/server/trpc/init";

const port = Number(process.env.PORT ?? 3998);
const services = await startServices({ databaseUrl: process.env.DATABASE_URL, origins: appOrigins(port) });
const noopRouter = router({ noop: authedProcedure.query(() => ({ ok: true })) });
const trpc = createHTTPHandler({
  router: noopRouter,
  basePath: "/api/trpc/",
  maxBodySize: 2 * 1024 * 1024,
  createContext: ({ req }) => createContext(services, req),
});
http.createServer((req, res) => void trpc(req, res)).listen(port, "127.0.0.1");
console.log(`[vo-noop] listening on ${port} (pid ${process.pid})`);
