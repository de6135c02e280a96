// The local SES v2: aws-ses-v2-local, embedded. It answers SendEmail from the current
// @aws-sdk/client-sesv2 (REST JSON, POST /v2/email/outbound-emails) and keeps every mail it
// accepts, served as JSON at GET /store and as a web inbox at /.
import type { Server } from "node:http";
import sesLocalModule from "aws-ses-v2-local";
import { urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";

const log = createLocalLog("ses");

export interface LocalSesOptions {
  /** Interface to listen on; defaults to loopback. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface LocalSes {
  /** What AWS_ENDPOINT_URL_SESV2 (or an SESv2Client's `endpoint`) points at. */
  endpoint: string;
  /** The web inbox, for people. */
  inboxUrl: string;
  /** Every accepted mail as JSON (`{ emails: [...] }`), for tests (test/support/inbox.ts). */
  storeUrl: string;
  port: number;
  stop(): Promise<void>;
}

type StartServer = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;

// A CommonJS module with an `exports.default`: Node's ESM loader hands over the exports object,
// a bundler the function itself.
const startServer: StartServer =
  typeof sesLocalModule === "function" ? sesLocalModule : (sesLocalModule as unknown as { default: StartServer }).default;

/**
 * Starts the server. The mails live in the module, not the server: two local SES servers in one
 * process share one mailbox (tests tell their mails apart by recipient).
 */
export async function startLocalSes(options: LocalSesOptions = {}): Promise<LocalSes> {
  const host = options.host ?? "127.0.0.1";
  const server = await startServer({ host, port: options.port ?? 0 });
  // Express resolves even when listen failed (the error goes to its callback); the server then
  // has no address.
  const address = server.address();
  if (!server.listening || address === null || typeof address === "string") {
    server.close();
    throw new Error(`Cannot start the local SES on ${host}:${options.port ?? 0}: the port is taken or the host is not available.`);
  }
  const endpoint = `http://${urlHost(host)}:${address.port}`;
  log.info(`aws-ses-v2-local listening at ${endpoint}`);

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    storeUrl: `${endpoint}/store`,
    port: address.port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (the SDK's, a browser's) would hold close() open.
        server.closeAllConnections();
      })),
  };
}
