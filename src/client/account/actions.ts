/** Better Auth's REST endpoints, called from the same origin (the session is an HttpOnly cookie). */

export interface AuthResult {
  ok: boolean;
  message?: string;
}

async function post(path: string, body: unknown): Promise<AuthResult> {
  try {
    const response = await fetch(`/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
      credentials: "same-origin",
    });
    if (response.ok) return { ok: true };
    const data = (await response.json().catch(() => null)) as { message?: string } | null;
    return { ok: false, message: data?.message || `Request failed (${response.status})` };
  } catch {
    return { ok: false, message: "Could not reach the server. Check your connection and try again." };
  }
}

export const signUp = (input: { name: string; email: string; password: string }) => post("sign-up/email", input);
export const signIn = (input: { email: string; password: string }) => post("sign-in/email", input);
export const signOut = () => post("sign-out", {});

/** Tabs of one browser share the session cookie: tell the others when it ends. */
export const AUTH_CHANNEL = "vo-auth";

export function announceSignOut(): void {
  if (typeof BroadcastChannel !== "function") return;
  const channel = new BroadcastChannel(AUTH_CHANNEL);
  channel.postMessage({ t: "signed-out" });
  channel.close();
}
