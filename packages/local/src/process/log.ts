// Readable, prefixed progress lines for the local stack's own components (not the handlers,
// which log structured JSON through Powertools). Quiet by default under tests.
import { styleText } from "node:util";

export type LocalLog = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

type Color = Parameters<typeof styleText>[0];

const colors: Record<string, Color> = {
  dev: "bold",
  dynamodb: "blue",
  sqs: "magenta",
  poller: "cyan",
  stripe: "green",
  gateway: "yellow",
  sweeper: "gray",
  web: "white",
};

/** SHOPWAVE_LOCAL_LOG=silent mutes the stack's own lines (tests set it); errors always print. */
function silenced(): boolean {
  return process.env.SHOPWAVE_LOCAL_LOG === "silent";
}

export function createLocalLog(component: string): LocalLog {
  const prefix = styleText(colors[component] ?? "white", component.padEnd(8));
  const write = (stream: NodeJS.WriteStream, message: string) => stream.write(`${prefix} │ ${message}\n`);
  return {
    info: (message) => {
      if (!silenced()) write(process.stdout, message);
    },
    warn: (message) => {
      if (!silenced()) write(process.stderr, styleText("yellow", message));
    },
    error: (message) => write(process.stderr, styleText("red", message)),
  };
}
