// A TCP pass-through between the storefront (server and browser) and the API that a test can
// cut and restore, to show a shopper what happens while the API is unreachable. Cutting it
// resets open connections too (pooled keep-alive sockets would otherwise still get through).
// Hand-written: a dozen lines of node:net, where a proxy library would bring HTTP semantics
// we do not want in the way. Tests in worker processes switch it through a tiny HTTP control
// endpoint, since it lives in Playwright's main process with the stack.
import { createServer as createHttpServer } from "node:http";
import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface SwitchableProxy {
  /** Base URL to use in place of the API's. */
  url: string;
  /** POST {controlUrl}/down and {controlUrl}/up switch it from another process. */
  controlUrl: string;
  setTarget(url: string): void;
  stop(): Promise<void>;
}

export async function startSwitchableProxy(host = "127.0.0.1"): Promise<SwitchableProxy> {
  let target: URL | null = null;
  let up = true;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const proxy = createServer((client) => {
    track(client);
    if (!up || !target) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    track(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once("error", close);
    upstream.once("error", close);
  });

  const control = createHttpServer((request, response) => {
    if (request.method === "POST" && (request.url === "/down" || request.url === "/up")) {
      up = request.url === "/up";
      if (!up) for (const socket of sockets) socket.destroy();
      response.writeHead(204).end();
      return;
    }
    response.writeHead(404).end();
  });

  const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown; address: () => AddressInfo | string | null }) =>
    new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
  const proxyPort = await listen(proxy);
  const controlPort = await listen(control);

  return {
    url: `http://${host}:${proxyPort}`,
    controlUrl: `http://${host}:${controlPort}`,
    setTarget(url) {
      target = new URL(url);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((resolve) => proxy.close(resolve)), new Promise((resolve) => control.close(resolve))]);
    },
  };
}
