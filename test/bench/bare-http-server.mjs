// The baseline for the API latency benchmark: the least a Node HTTP server can do, answering
// every request with the same JSON bytes. Plain JavaScript on purpose: no loader, no framework.
import { createServer } from "node:http";

const body = Buffer.from(process.env.BARE_BODY ?? "{}");
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  response.end(body);
});
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
