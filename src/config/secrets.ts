import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A server secret: from the environment when set, otherwise from a file under
 * the data folder created on first start with mode 0600. Exclusive create
 * ("wx") means several processes starting at once agree on one secret.
 */
export function loadSecret(envVar: string, fileName: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const dir = process.env.VO_SECRETS_DIR || path.resolve("data");
  const file = path.join(dir, fileName);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  let secret = "";
  // A concurrent creator may not have written its bytes yet.
  for (let i = 0; i < 50 && secret.length === 0; i++) secret = readFileSync(file, "utf8").trim();
  if (!secret) throw new Error(`secret file ${file} is empty`);
  return secret;
}
