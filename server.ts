import http from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { findInvalidTrustedProxies } from "@better-auth/core/utils/ip";
import { toNodeHandler } from "better-auth/node";
import next from "next";
import { stampClientAddress, trustedProxies } from "./src/server/auth/client-address";
import { isForeignBrowserRequest } from "./src/server/csrf";
import { DEFAULT_DATABASE_URL } from "./src/db/client";
import { migrateDatabase } from "./src/db/migrate";
import { appOrigins, startServices } from "./src/server/services";
import { createContext } from "./src/server/trpc/context";
import { internalErrorCause, internalErrorRef } from "./src/server/trpc/errors";
import { appRouter } from "./src/server/trpc/root";
import { startWorkers } from "./src/worker";
import { writeAdmission } from "./src/server/write-admission";

/**
 * The process entry (docs/architecture.md): /api/trpc/* goes straight to tRPC's Node
 * handler (≈6× the throughput of a Next route handler), /api/auth/* to Better
 * Auth, everything else to Next. Background workers start here, and SIGTERM
 * drains: stop accepting, end streams, let in-flight requests finish, close
 * the database.
 */
async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "0.0.0.0";
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const apiOnly = process.env.VO_API_ONLY === "1";
  const proxies = trustedProxies();
  const invalidProxies = findInvalidTrustedProxies(proxies);
  if (invalidProxies.length > 0) throw new Error(`TRUSTED_PROXIES: not an address or CIDR range: ${invalidProxies.join(", ")}`);

  const { applied } = await migrateDatabase(databaseUrl);
  if (applied.length > 0) log(`applied migrations: ${applied.join(", ")}`);

  const services = await startServices({ databaseUrl, origins: appOrigins(port) });
  const stopWorkers = startWorkers({ db: services.db, apiKeys: services.apiKeys });

  let pages: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
  if (!apiOnly) {
    const app = next({ dev: process.env.NODE_ENV === "development", hostname: "localhost", port });
    await app.prepare();
    pages = app.getRequestHandler();
  }

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    // Bigger bodies are refused (413) before parsing; the input guard bounds structure after.
    maxBodySize: 2 * 1024 * 1024,
    createContext: ({ req }) => createContext(services, req),
    onError({ error, path }) {
      // The client got only "internal error (ref …)"; this line holds the cause under the same ref.
      if (error.code === "INTERNAL_SERVER_ERROR") log(`tRPC ${path ?? "?"} failed: internal error (ref ${internalErrorRef(error)}): ${internalErrorCause(error)}`);
    },
  });
  const auth = toNodeHandler(services.auth);
  const admitWrite = writeAdmission(Number(process.env.VO_WRITE_CONCURRENCY ?? 4));

  // Requests in progress per connection, so that a drain can close every
  // connection as soon as it has nothing in progress (SIGTERM drains).
  const inProgress = new Map<import("node:net").Socket, number>();
  let stopping = false;
  const server = http.createServer((req, res) => {
    const socket = req.socket;
    inProgress.set(socket, (inProgress.get(socket) ?? 0) + 1);
    if (stopping) res.shouldKeepAlive = false;
    res.once("close", () => {
      if (!inProgress.has(socket)) return; // the connection is gone already
      const left = (inProgress.get(socket) ?? 1) - 1;
      inProgress.set(socket, left);
      if (stopping && left === 0) socket.end();
    });
    const url = req.url ?? "/";
    if (url.startsWith("/api/trpc/")) return admitWrite(req, res, () => void trpc(req, res));
    if (url.startsWith("/api/auth/")) {
      const origin = req.headers.origin ?? null;
      const site = (req.headers["sec-fetch-site"] as string | undefined) ?? null;
      if (req.method !== "GET" && isForeignBrowserRequest(origin, site, services.origins)) {
        res.writeHead(403, { "content-type": "application/json" }).end('{"message":"cross-origin request refused"}');
        return;
      }
      stampClientAddress(req, proxies); // the sign-in limit's key: the real peer, never a forged header
      return void auth(req, res);
    }
    if (url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (pages) return void pages(req, res);
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 65_000;
  server.on("connection", (socket) => {
    if (stopping) return void socket.destroy();
    inProgress.set(socket, 0);
    socket.once("close", () => inProgress.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  log(`Virtual Office on http://localhost:${port} (${services.db.provider}${apiOnly ? ", API only" : ""}, pid ${process.pid})`);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await stopWorkers();
    services.beginShutdown(); // open streams end, so their connections can close
    // Idle keep-alive connections and connections that never sent a request
    // (closeIdleConnections() leaves the latter open); busy ones close after their response.
    for (const [socket, busy] of inProgress) if (busy === 0) socket.destroy();
    const forced = setTimeout(() => server.closeAllConnections(), 10_000);
    await closed; // every in-flight request has finished
    clearTimeout(forced);
    await services.stop();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function log(message: string) {
  console.log(`[virtual-office] ${message}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
