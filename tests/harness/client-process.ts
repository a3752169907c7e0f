import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { apiClient, type ApiClient } from "./api-client";

/**
 * Test clients in their own OS processes, driven over JSON lines: both ends of
 * the protocol. The parent (startClientProcess) passes the client its config
 * as JSON in CLIENT_CONFIG and sends commands on stdin; the client
 * (serveCommands) prints {"ready": true} once warm, its answers, any other
 * lines it reports, {"fatal": …} if it fails, and a final {"done": true, …}.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const READY_TIMEOUT_MS = 60_000;
const CONFIG_VARIABLE = "CLIENT_CONFIG";

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
 * Starts `script` as a client process (`node --import tsx script`) with
 * `config`. Answers are the lines `answerKey` names; each is kept until a
 * `reply(key)` takes it, whichever comes first. Lines that are neither ready,
 * an answer, done nor fatal go to `onLine`.
 */
export function startClientProcess<Done>(options: {
  script: string;
  config: unknown;
  label: string;
  answerKey: (message: Record<string, unknown>) => string | null;
  onLine?: (message: Record<string, unknown>) => void;
}): ClientProcess<Done> {
  const { label } = options;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", options.script], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: "production", [CONFIG_VARIABLE]: JSON.stringify(options.config) },
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
    else options.onLine?.(message);
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

// ---- The client's end ----

/** In a client process: its config (from startClientProcess) and a typed API client for its server and token. */
export function clientProcessConfig<Config extends { baseUrl: string; token: string }>(): { config: Config; api: ApiClient } {
  const config = JSON.parse(process.env[CONFIG_VARIABLE] ?? "") as Config;
  return { config, api: apiClient(config.baseUrl, config.token) };
}

/** Prints one protocol line. */
export function printLine(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A failed call as a client reports it: the tRPC error code (null if there was no answer) and the message. */
export function describeCallError(error: unknown): { code: string | null; message: string } {
  const e = error as { message?: string; data?: { code?: string } };
  return { code: e.data?.code ?? null, message: String(e.message ?? error) };
}

/**
 * In a client process: warms the connection (`warm`), prints {"ready": true},
 * then runs the commands from stdin one at a time, in order, until
 * {"end": true} or the end of stdin; `interrupt` may take a command at once
 * instead (a stop signal for a command still running). Then prints
 * {"done": true, ...summary(), ms}. A failure outside the calls prints
 * {"fatal": …} and exits 1.
 */
export function serveCommands<Command>(options: {
  warm: () => Promise<unknown>;
  run: (command: Command) => Promise<void>;
  interrupt?: (command: Command) => boolean;
  summary: () => Record<string, unknown>;
}): void {
  const main = async () => {
    await options.warm(); // the connection exists and the token works
    const started = performance.now();
    const lines = readline.createInterface({ input: process.stdin });
    printLine({ ready: true });
    let queue = Promise.resolve();
    await new Promise<void>((resolve, reject) => {
      lines.on("line", (line) => {
        const command = JSON.parse(line) as Command & { end?: boolean };
        if (options.interrupt?.(command)) return;
        queue = queue
          .then(async () => {
            if (command.end) {
              lines.close();
              resolve();
            } else await options.run(command);
          })
          .catch(reject);
      });
      lines.on("close", () => void queue.then(() => resolve()));
    });
    printLine({ done: true, ...options.summary(), ms: Math.round(performance.now() - started) });
  };
  main().catch((error) => {
    printLine({ fatal: String((error as Error)?.stack ?? error) });
    process.exit(1);
  });
}
