// GET /admin/dead-letters/{queue}/messages on the local SQS: the messages a failing worker left
// in the order-events dead-letter queue, looked at and left in place; `max` bounds how many; an
// unknown queue is a 404 and a bad `max` a 400.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_INSPECTED } from "@shopwave/core/operations/dead-letters";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let inspect: (typeof import("./inspect-dead-letters"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness({ sqs: true });
  ({ handler: inspect } = await h.load(() => import("./inspect-dead-letters")));
  await h.parkDeadLetters(["a", "b", "c"]);
});
afterAll(() => h?.stop());
beforeEach(() => {
  captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const look = async (queue: string, query?: Record<string, string>) => {
  const response = await inspect(h.event("GET /admin/dead-letters/{queue}/messages", { pathParameters: { queue }, ...(query ? { query } : {}) }), lambdaContext("admin-inspect-dead-letters"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};

describe("GET /admin/dead-letters/{queue}/messages", () => {
  it("shows the parked messages with their attributes and leaves them in place", async () => {
    const first = await look("OrderEventsDlq");
    expect(first.statusCode).toBe(200);
    expect(first.body.messages.map((message: { body: string }) => message.body).sort()).toEqual(["a", "b", "c"]);
    expect(first.body.messages[0]).toMatchObject({ messageId: expect.any(String), messageAttributes: { orderId: expect.stringMatching(/^ord_for_/) } });
    const again = await look("OrderEventsDlq");
    expect(again.body.messages.map((message: { messageId: string }) => message.messageId).sort()).toEqual(
      first.body.messages.map((message: { messageId: string }) => message.messageId).sort(),
    );
  });

  it("shows at most `max` messages", async () => {
    const { statusCode, body } = await look("OrderEventsDlq", { max: "1" });
    expect(statusCode).toBe(200);
    expect(body.messages).toHaveLength(1);
  });

  it("answers 404 for a queue that is not a dead-letter queue it may operate", async () => {
    for (const queue of ["OrderEventsQueue", "NoSuchDlq"]) {
      const { statusCode, body } = await look(queue);
      expect(statusCode).toBe(404);
      expect(body.error.code).toBe("NOT_FOUND");
    }
    const noPath = h.event("GET /admin/dead-letters/{queue}/messages");
    expect((await inspect(noPath, lambdaContext("admin-inspect-dead-letters"))).statusCode).toBe(404);
  });

  it.each([["0"], [String(MAX_INSPECTED + 1)], ["two"]])("answers 400 to max=%s", async (max) => {
    const { statusCode, body } = await look("OrderEventsDlq", { max });
    expect(statusCode).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
  });
});
