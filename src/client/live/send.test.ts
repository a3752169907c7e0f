import { TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { retryTransient } from "./send";

const answered = (code: string) => TRPCClientError.from({ error: { message: code, code: -32603, data: { code, httpStatus: 500 } } });
const unanswered = () => TRPCClientError.from(new TypeError("fetch failed"));

/** How many times `retryTransient` calls a sender that always fails with `error`, and what it finally throws. */
async function attemptsUntilGivingUp(error: () => unknown): Promise<{ attempts: number; thrown: unknown; waitedMs: number }> {
  let attempts = 0;
  const started = Date.now();
  const outcome = retryTransient(async () => {
    attempts++;
    throw error();
  }).catch((thrown: unknown) => thrown);
  await vi.runAllTimersAsync();
  return { attempts, thrown: await outcome, waitedMs: Date.now() - started };
}

describe("retryTransient", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps resending for about 16 s while no server answers (a process restarting), then gives up", async () => {
    const { attempts, thrown, waitedMs } = await attemptsUntilGivingUp(unanswered);
    expect(attempts).toBe(7);
    expect(waitedMs).toBe(15_750);
    expect(thrown).toBeInstanceOf(TRPCClientError);
    expect((await attemptsUntilGivingUp(() => answered("SERVICE_UNAVAILABLE"))).attempts).toBe(7);
  });

  it("retries an answered server error twice only, and never a refusal", async () => {
    expect((await attemptsUntilGivingUp(() => answered("INTERNAL_SERVER_ERROR"))).attempts).toBe(3);
    expect((await attemptsUntilGivingUp(() => answered("CONFLICT"))).attempts).toBe(1);
    expect((await attemptsUntilGivingUp(() => answered("BAD_REQUEST"))).attempts).toBe(1);
  });

  it("returns the first answer that succeeds", async () => {
    let attempts = 0;
    const result = retryTransient(async () => {
      if (++attempts < 4) throw unanswered();
      return "saved";
    });
    await vi.runAllTimersAsync();
    expect(await result).toBe("saved");
    expect(attempts).toBe(4);
  });
});
