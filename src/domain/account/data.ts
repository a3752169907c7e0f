import type { Database } from "@/db/client";
import { NotFoundError } from "../errors";
import type { IdentityCache } from "./lib/identity-cache";
import type { AccountView, SessionView } from "./schema";

/** The sign-in identity; through `identities` it is read once per process (docs/decisions/0014). */
export function getAccount(db: Database, userId: string, identities?: IdentityCache): Promise<AccountView> {
  return identities ? identities.get(userId, () => readAccount(db, userId)) : readAccount(db, userId);
}

/** Hand-written (docs/decisions/0013); on SQLite it runs on the read connection. */
async function readAccount(db: Database, userId: string): Promise<AccountView> {
  const [user] = await db.sql.all<{ id: string; name: string; email: string; createdAt: Date | string }>(
    `SELECT "id", "name", "email", "createdAt" FROM "user" WHERE "id" = ?`,
    userId,
  );
  if (!user) throw new NotFoundError("account not found");
  return { ...user, createdAt: new Date(user.createdAt) };
}

/** The user's live sessions, newest first; `currentToken` marks the caller's own. */
export async function listSessions(db: Database, userId: string, currentToken: string | null, now = new Date()): Promise<SessionView[]> {
  const rows = await db.prisma.session.findMany({
    where: { userId, expiresAt: { gt: now } },
    select: { id: true, token: true, createdAt: true, updatedAt: true, expiresAt: true, ipAddress: true, userAgent: true },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
  });
  return rows.map(({ token, updatedAt, ...row }) => ({ ...row, lastSeenAt: updatedAt, current: token === currentToken }));
}
