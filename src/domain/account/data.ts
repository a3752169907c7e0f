import type { Database } from "@/db/client";
import { NotFoundError } from "../errors";
import type { AccountView, SessionView } from "./schema";

export async function getAccount(db: Database, userId: string): Promise<AccountView> {
  const user = await db.prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, createdAt: true },
  });
  if (!user) throw new NotFoundError("account not found");
  return user;
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
