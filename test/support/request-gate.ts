// A loopback proxy in front of a local service (DynamoDB Local, the local SES) that holds the
// requests a test picks until it releases them: the way to stop one delivery in the middle of
// its work (its record claimed, its send or completion not done yet) and run another against it.
import http from "node:http";

export interface RequestGate {
  /** The proxy's endpoint, for the handler's AWS_ENDPOINT_URL_* setting. */
  endpoint: string;
  /** Resolves when the first held request has arrived. */
  held: Promise<void>;
  /** Lets held requests (and any later ones) through. */
  release(): void;
  stop(): Promise<void>;
}

/** Proxies every request to `target`, holding those `holds` picks until release(). */
export async function startRequestGate(target: string, holds: (request: http.IncomingMessage) => boolean): Promise<RequestGate> {
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      if (holds(req)) {
        arrived();
        await released;
      }
      const answer = await fetch(new URL(req.url ?? "/", target), { method: req.method!, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      // fetch has decoded the body already; its framing headers would not match what is sent on.
      const headers = Object.fromEntries([...answer.headers].filter(([name]) => !["content-encoding", "content-length", "transfer-encoding"].includes(name)));
      res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    held,
    release,
    stop() {
      release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
