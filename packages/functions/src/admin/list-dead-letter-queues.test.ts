// GET /admin/dead-letters on the local SQS: every dead-letter queue the route is linked to, with its
// source queue, its redrive limit and how many messages wait in it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { queues } from "@shopwave/infra/topology";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let listDeadLetterQueues: (typeof import("./list-dead-letter-queues"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness({ sqs: true });
  ({ handler: listDeadLetterQueues } = await h.load(() => import("./list-dead-letter-queues")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const list = async () => {
  const response = await listDeadLetterQueues(h.event("GET /admin/dead-letters"), lambdaContext("admin-list-dead-letter-queues"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};

describe("GET /admin/dead-letters", () => {
  it("lists each dead-letter queue with its source, its redrive limit and its depth", async () => {
    const empty = await list();
    expect(empty).toEqual({
      statusCode: 200,
      body: { queues: [{ resource: "OrderEventsDlq", source: "OrderEventsQueue", maxReceiveCount: queues.orderEvents.deadLetter.maxReceiveCount, depth: 0, inFlight: 0 }] },
    });

    await h.parkDeadLetters(["x", "y"]);
    out.clear();
    const { statusCode, body } = await list();
    expect(statusCode).toBe(200);
    expect(body.queues).toEqual([expect.objectContaining({ resource: "OrderEventsDlq", depth: 2 })]);
    expect(out.logged("request")).toEqual([expect.objectContaining({ route: "GET /admin/dead-letters", operatorId: OPERATOR.customerId, statusCode: 200 })]);
  });
});
