// A pass-through HTTP forwarder in front of the local EventBridge bus that fails PutEvents on
// demand, in EventBridge's own ways: the whole call answered 500 (the SDK retries, then the
// publisher sees an error), or every entry refused in a 200 answer (FailedEntryCount). The stack
// is started with AWS_ENDPOINT_URL_EVENTBRIDGE pointing here; the target is set once the bus listens.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EventBusFaults {
  endpoint: string;
  /** Where requests go when no fault applies (the bus's endpoint). */
  setTarget(url: string): void;
  /** The next `times` PutEvents calls fail this way. */
  failNext(times: number, how: "server-error" | "refuse-entries"): void;
  readonly failed: number;
  stop(): Promise<void>;
}

export async function startEventBusFaults(): Promise<EventBusFaults> {
  let target: URL | undefined;
  let pending: { remaining: number; how: "server-error" | "refuse-entries" } | undefined;
  let failed = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (pending && pending.remaining > 0 && req.headers["x-amz-target"] === "AWSEvents.PutEvents") {
        pending.remaining--;
        failed++;
        res.setHeader("content-type", "application/x-amz-json-1.1");
        if (pending.how === "server-error") {
          res.writeHead(500);
          return res.end(JSON.stringify({ __type: "InternalException", message: "injected fault" }));
        }
        const { Entries } = JSON.parse(body.toString("utf8")) as { Entries: unknown[] };
        res.writeHead(200);
        return res.end(JSON.stringify({ FailedEntryCount: Entries.length, Entries: Entries.map(() => ({ ErrorCode: "InternalFailure", ErrorMessage: "injected fault" })) }));
      }
      if (!target) {
        res.writeHead(503);
        return res.end();
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTarget: (url) => {
      target = new URL(url);
    },
    failNext: (times, how) => {
      pending = { remaining: times, how };
    },
    get failed() {
      return failed;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
