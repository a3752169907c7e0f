import { errorCode, isClientError } from "./trpc";

const TRANSIENT = new Set(["SERVICE_UNAVAILABLE", "TIMEOUT", "INTERNAL_SERVER_ERROR"]);
/**
 * No answer (or a draining server's SERVICE_UNAVAILABLE) is retried for about
 * 16 s in all: long enough to ride out a server process restarting (crash,
 * deploy), so the trader's save lands instead of failing. Safe because every
 * attempt carries the same request id. A server that answered with an error
 * gets the first two delays only.
 */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];
const ANSWERED_ERROR_RETRIES = 2;

/**
 * Runs `send` again after a network failure or a transient server error. The
 * caller keeps the request id the same across attempts, so the server applies
 * the change at most once.
 */
export async function retryTransient<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const code = errorCode(error);
      const unanswered = code === undefined ? !isClientError(error) || !error.data : code === "SERVICE_UNAVAILABLE";
      const transient = unanswered || (code !== undefined && TRANSIENT.has(code));
      const limit = unanswered ? RETRY_DELAYS_MS.length : ANSWERED_ERROR_RETRIES;
      if (!transient || attempt >= limit) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
}

/**
 * Sends one logical mutation. The request id is chosen once and kept across
 * the retries of a network failure, so the server applies it at most once.
 */
export function sendOnce<T>(send: (requestId: string) => Promise<T>): Promise<T> {
  const requestId = newRequestId();
  return retryTransient(() => send(requestId));
}

export function newRequestId(): string {
  // randomUUID needs a secure context; getRandomValues does not.
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
