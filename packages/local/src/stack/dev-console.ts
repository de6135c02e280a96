// The terminal view of `npm run dev`: handlers log one JSON object per line, as on AWS; this
// turns each into one compact, readable line (time, level, function, message, order id, the
// fields that matter), folds CloudWatch EMF metric lines into counters printed as a periodic
// summary together with the DLQ depth, and passes every other line through untouched.
// SHOPWAVE_LOG_FORMAT=json leaves the handlers' JSON lines as they are.
import { styleText } from "node:util";

type Color = Parameters<typeof styleText>[0];

/** Lambda context and Powertools bookkeeping: true on every line, so not worth a column. */
const NOISE = new Set([
  "level",
  "message",
  "timestamp",
  "service",
  "cold_start",
  "function_arn",
  "function_memory_size",
  "function_name",
  "function_request_id",
  "sampling_rate",
  "xray_trace_id",
  "requestId",
  "route",
  "orderId",
]);

const levelColors: Record<string, Color> = { DEBUG: "gray", INFO: "green", WARN: "yellow", ERROR: "red", CRITICAL: "red" };

export type DevConsoleLine = { kind: "log"; text: string } | { kind: "metrics"; counts: Record<string, number> } | { kind: "skip" } | { kind: "other" };

function describeValue(value: unknown): string {
  if (typeof value === "string") return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** Classifies one line of output and, for a handler log, renders its compact form. */
export function formatDevConsoleLine(line: string): DevConsoleLine {
  if (!line.startsWith("{")) return { kind: "other" };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { kind: "other" };
  }
  const emf = (json._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined)?.CloudWatchMetrics;
  if (emf) {
    const counts: Record<string, number> = {};
    for (const directive of emf) for (const { Name } of directive.Metrics) counts[Name] = (counts[Name] ?? 0) + Number(json[Name] ?? 0);
    return { kind: "metrics", counts };
  }
  if (typeof json.level !== "string" || typeof json.message !== "string") return { kind: "other" };
  // The gateway already prints one line per request, with its timing.
  if (json.message === "request" && Number(json.statusCode) < 500) return { kind: "skip" };

  const time = typeof json.timestamp === "string" ? json.timestamp.slice(11, 23) : "";
  const level = styleText(levelColors[json.level] ?? "white", json.level.padEnd(5));
  const fn = styleText("cyan", String(json.function_name ?? json.service ?? "").padEnd(22));
  const order = typeof json.orderId === "string" ? ` ${styleText("magenta", json.orderId)}` : "";
  const { error, ...rest } = json;
  const fields = Object.entries(rest)
    .filter(([key]) => !NOISE.has(key))
    .map(([key, value]) => `${styleText("gray", `${key}=`)}${describeValue(value)}`)
    .join(" ");
  let text = `${styleText("gray", time)} ${level} ${fn} ${json.message}${order}${fields ? ` ${fields}` : ""}`;
  if (error && typeof error === "object") {
    const { name, message, stack } = error as { name?: string; message?: string; stack?: string };
    const where = stack?.split("\n").slice(1, 4).map((frame) => `\n      ${frame.trim()}`).join("") ?? "";
    text += `\n    ${styleText("red", `${name ?? "Error"}: ${message ?? ""}`)}${styleText("gray", where)}`;
  }
  return { kind: "log", text };
}

export interface DevConsole {
  /** Counter totals so far, by metric name. */
  readonly metrics: ReadonlyMap<string, number>;
  /** The summary line for the current totals. */
  summary(dlqDepth: number | undefined): string;
  stop(): void;
}

/** Intercepts this process's stdout and stderr line by line (handlers share the process). */
export function installDevConsole(options: { dlqDepth: () => Promise<number>; summaryEveryMs?: number }): DevConsole {
  const metrics = new Map<string, number>();
  const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  let changed = false;

  const wrap = (stream: "stdout" | "stderr") => {
    let pending = "";
    const write = originals[stream];
    return ((chunk: string | Uint8Array, ...args: unknown[]) => {
      pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      const out: string[] = [];
      for (const part of parts) {
        const line = formatDevConsoleLine(part);
        if (line.kind === "log") out.push(line.text);
        else if (line.kind === "other") out.push(part);
        else if (line.kind === "metrics") {
          for (const [name, value] of Object.entries(line.counts)) metrics.set(name, (metrics.get(name) ?? 0) + value);
          changed = true;
        }
      }
      const callback = args.find((arg) => typeof arg === "function") as (() => void) | undefined;
      if (out.length > 0) return write(`${out.join("\n")}\n`, callback);
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  };
  process.stdout.write = wrap("stdout");
  process.stderr.write = wrap("stderr");

  const summary = (dlqDepth: number | undefined) => {
    const counters = [...metrics].sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => `${name} ${value}`);
    const dlq = dlqDepth === undefined ? "DLQ ?" : dlqDepth > 0 ? styleText("red", `DLQ ${dlqDepth} (npm run dlq -- list)`) : "DLQ 0";
    return `${styleText("bold", "metrics │")} ${[...counters, dlq].join(" · ")}`;
  };
  let lastDlqDepth = 0;
  const timer = setInterval(() => {
    options
      .dlqDepth()
      .then((depth) => {
        if (!changed && depth === lastDlqDepth) return;
        changed = false;
        lastDlqDepth = depth;
        originals.stdout(`${summary(depth)}\n`);
      })
      .catch(() => undefined);
  }, options.summaryEveryMs ?? 15_000);
  timer.unref();

  return {
    metrics,
    summary,
    stop: () => {
      clearInterval(timer);
      process.stdout.write = originals.stdout as typeof process.stdout.write;
      process.stderr.write = originals.stderr as typeof process.stderr.write;
    },
  };
}

export interface DevAddresses {
  storefront: string;
  api: string;
  /** null when the app talks to real Stripe. */
  stripe: string | null;
  dynamodb: string;
  sqs: string;
  /** The local SES's web inbox: every mail the handlers sent. */
  inbox: string;
  /** The sign-in issuer. */
  auth: string;
  /** The local EventBridge endpoint carrying the order events bus. */
  events: string;
}

/** The "where is everything" rows `npm run dev` prints once it is ready. */
export function addressRows(urls: DevAddresses): string[] {
  const row = (name: string, url: string) => `  ${name.padEnd(18)} ${styleText("cyan", url)}`;
  return [
    row("Storefront", urls.storefront),
    row("API", urls.api),
    row("Stripe simulator", urls.stripe ?? "real Stripe (forward webhooks with `stripe listen`)"),
    row("DynamoDB", urls.dynamodb),
    row("SQS", urls.sqs),
    row("Inbox (SES)", urls.inbox),
    row("Sign-in issuer", urls.auth),
    row("Event bus", urls.events),
  ];
}
