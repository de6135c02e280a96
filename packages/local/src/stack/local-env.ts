// Settings of the local stack, from .env.example (the documented defaults), then .env, then the
// process environment. Everything is overridable; nothing here reaches the handlers except
// through the same env/`Resource` channels they use on AWS.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { repoRoot } from "../aws/handler-loader";

export function loadLocalEnv(root = repoRoot): Record<string, string> {
  const read = (file: string) => {
    const full = path.join(root, file);
    return existsSync(full) ? (parseEnv(readFileSync(full, "utf8")) as Record<string, string>) : {};
  };
  const fromProcess = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return { ...read(".env.example"), ...read(".env"), ...fromProcess };
}

export function portFrom(env: Record<string, string>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}=${raw} is not a port number.`);
  return port;
}
