// Order creation is rate-limited per client when ORDER_RATE_LIMIT is set: past the allowance a
// client gets 429 with Retry-After and nothing is written, while another client is unaffected.
// (The gateway takes the client's address from the connection, as API Gateway does, so a
// second client here connects from 127.0.0.2, which is loopback too.)
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { startTestStack, type TestStack } from "../support/test-stack";

let t: TestStack;
beforeAll(async () => {
  // An hour's window: it cannot roll over in the middle of the test.
  t = await startTestStack({ handlerEnv: { ORDER_RATE_LIMIT: "3/3600s" } });
});
afterAll(async () => t?.stop());

function postOrder(localAddress: string, body: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const url = new URL(`${t.stack.urls.api}/orders`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", localAddress, headers: { "content-type": "application/json" } },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }));
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

it("answers 429 with Retry-After past the allowance, writes nothing, and limits each client separately", async () => {
  const product = seedProducts[11]!.id;
  await t.setStock(product, 50);
  const order = { email: "eager@example.com", items: [{ productId: product, quantity: 1 }] };
  const first = [];
  for (let i = 0; i < 3; i++) first.push((await postOrder("127.0.0.1", order)).status);
  expect(first).toEqual([201, 201, 201]);

  const refused = await postOrder("127.0.0.1", order);
  expect(refused.status).toBe(429);
  expect(refused.body.error.code).toBe("RATE_LIMITED");
  const retryAfter = Number(refused.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  expect(await t.stockOf(product)).toBe(47);

  // A bad request still counts: the limit is checked before anything else is done.
  expect((await postOrder("127.0.0.1", { nonsense: true })).status).toBe(429);

  const otherClient = await postOrder("127.0.0.2", order);
  expect(otherClient.status).toBe(201);
  expect(await t.stockOf(product)).toBe(46);
});
