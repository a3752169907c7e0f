import pg from "pg";

export interface NotificationListener {
  close(): Promise<void>;
}

/**
 * A dedicated PostgreSQL connection that LISTENs on `channel`. Reconnects with
 * a delay when the connection drops; callers also poll, so a notification lost
 * during a reconnect only delays delivery.
 */
export async function openNotificationListener(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<NotificationListener> {
  let closed = false;
  let client: pg.Client | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === channel) onPayload(message.payload ?? "");
    });
    next.on("error", () => {
      if (closed) return;
      client = null;
      next.end().catch(() => {});
      setTimeout(() => void connect().catch(() => {}), 500);
    });
    await next.connect();
    await next.query(`LISTEN "${channel.replace(/"/g, "")}"`);
    client = next;
    if (closed) await next.end();
  };

  await connect();
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => {});
    },
  };
}
