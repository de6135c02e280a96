// Ports for servers we start as child processes, which cannot report a port 0 choice back.
import { once } from "node:events";
import { createServer } from "node:net";

/** A port free on every interface right now (a child binding it later can still lose a race). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0);
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("could not find a free port");
  return address.port;
}

/** Fails with a readable message when something already listens on the port. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const server = createServer();
  server.listen(port);
  try {
    await once(server, "listening"); // rejects on "error"
  } catch (error) {
    throw new Error(`Cannot start ${what} on port ${port}: ${(error as Error).message}. Stop whatever uses it or choose another port.`);
  }
  server.close();
  await once(server, "close");
}
