import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const READY_TIMEOUT_MS = 60_000;

export interface ClientOutcome<Done> {
  exitCode: number | null;
  /** The client's final {"done": true, …} line. */
  done: Done | null;
  fatal: string;
  stderr: string;
}

export interface ClientProcess<Done> {
  /** Resolves on the client's {"ready": true} line; rejects if it exits or stays silent for 60 s. */
  ready: Promise<void>;
  finished: Promise<ClientOutcome<Done>>;
  send(message: unknown): void;
  /** The client's answer named `key`; rejects after `timeoutMs` or when the client exits. */
  reply<T>(key: string, timeoutMs: number): Promise<T>;
  kill(): void;
}

/**
 * A test client in its own OS process (`node --import tsx script`), driven over
 * JSON lines: commands on stdin; on stdout {"ready"}, answers (named by
 * `answerKey`), {"fatal"} and a final {"done"}. Each answer is kept until a
 * `reply(key)` takes it, whichever comes first.
 */
export function startClientProcess<Done>(options: {
  script: string;
  env: Record<string, string>;
  label: string;
  answerKey: (message: Record<string, unknown>) => string | null;
}): ClientProcess<Done> {
  const { label } = options;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", options.script], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: "production", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const outcome: ClientOutcome<Done> = { exitCode: null, done: null, fatal: "", stderr: "" };
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (outcome.stderr = (outcome.stderr + chunk).slice(-16_384)));
  const arrived = new Map<string, unknown>();
  const waiting = new Map<string, (message: unknown) => void>();
  let exited = false;
  const failures = new Set<(error: Error) => void>();

  let markReady!: () => void;
  let failReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const readyTimer = setTimeout(() => failReady(new Error(`${label} not ready within 60 s\n${outcome.stderr}`)), READY_TIMEOUT_MS);

  const deliver = (key: string, message: unknown) => {
    const waiter = waiting.get(key);
    if (waiter) {
      waiting.delete(key);
      waiter(message);
    } else arrived.set(key, message);
  };
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      outcome.fatal += `unparsable line: ${line}\n`;
      return;
    }
    const key = options.answerKey(message);
    if (message.ready) {
      clearTimeout(readyTimer);
      markReady();
    } else if (key !== null) deliver(key, message);
    else if (message.done) outcome.done = message as Done;
    else if (message.fatal) outcome.fatal += `${String(message.fatal)}\n`;
  });
  const finished = new Promise<ClientOutcome<Done>>((resolve) => {
    child.once("close", (code) => {
      exited = true;
      clearTimeout(readyTimer);
      const error = new Error(`${label} exited (code ${code})\n${outcome.fatal}\n${outcome.stderr}`);
      failReady(error);
      for (const fail of failures) fail(error);
      outcome.exitCode = code;
      resolve(outcome);
    });
  });

  return {
    ready,
    finished,
    send(message) {
      child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
    reply<T>(key: string, timeoutMs: number): Promise<T> {
      if (arrived.has(key)) {
        const message = arrived.get(key);
        arrived.delete(key);
        return Promise.resolve(message as T);
      }
      return new Promise<T>((resolve, reject) => {
        const fail = (error: Error) => {
          clearTimeout(timer);
          failures.delete(fail);
          waiting.delete(key);
          reject(error);
        };
        const timer = setTimeout(() => fail(new Error(`${label}: no answer to ${key} within ${timeoutMs} ms`)), timeoutMs);
        failures.add(fail);
        waiting.set(key, (message) => {
          clearTimeout(timer);
          failures.delete(fail);
          resolve(message as T);
        });
        if (exited) fail(new Error(`${label} already exited`));
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
