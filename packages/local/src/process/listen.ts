// Starting the local stack's HTTP servers: listen on a host and port (0 = a free one) and say
// which URL reaches them, the same way for every stand-in.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Resolves with the bound port once listening; rejects if the port is taken. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The host part of a URL that reaches a server bound to `host` (wildcards become loopback). */
export function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
