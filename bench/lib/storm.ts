/**
 * A load run (closed-loop, or paced when `overallRate` is set) in a child process, so that its thousands of responses a
 * second do not share an event loop with the reader being measured beside it.
 *
 *   BENCH_LOAD='{"url":…}' node --import tsx bench/lib/storm.ts   → prints the Load as JSON
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { load, type Load, type LoadOptions } from "./load";
import { paced } from "./paced";

const ENTRY = fileURLToPath(import.meta.url);

export function loadInChild(options: LoadOptions): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
      env: { ...process.env, BENCH_LOAD: JSON.stringify(options) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as Load);
      else reject(new Error(`load child exited ${code}: ${out.slice(-500)}`));
    });
  });
}

if (process.argv[1] === ENTRY && process.env.BENCH_LOAD) {
  const options = JSON.parse(process.env.BENCH_LOAD) as LoadOptions;
  const result = options.overallRate ? await paced({ ...options, overallRate: options.overallRate }) : await load(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
