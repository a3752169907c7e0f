import type { Database } from "@/server/db/client";
import { NotFoundError } from "../errors";

export interface AccountView {
  id: string;
  name: string;
  email: string;
  createdAt: Date;
}

export async function getAccount(db: Database, userId: string): Promise<AccountView> {
  const user = await db.prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, createdAt: true },
  });
  if (!user) throw new NotFoundError("account not found");
  return user;
}
