// POST /admin/dead-letters/{queue}/redrive and GET …/move-tasks on the local SQS: a message-move
// task takes every parked message back to the order-events queue (202 with its handle, audited);
// the task is then listed with its progress; an unknown queue is a 404 for both.
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listAuditEntries } from "@shopwave/core/admin/audit-log";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let redriveAll: (typeof import("./redrive-all-dead-letters"))["handler"];
let listMoveTasks: (typeof import("./list-move-tasks"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness({ sqs: true });
  ({ handler: redriveAll } = await h.load(() => import("./redrive-all-dead-letters")));
  ({ handler: listMoveTasks } = await h.load(() => import("./list-move-tasks")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const start = (queue: string) => redriveAll(h.event("POST /admin/dead-letters/{queue}/redrive", { pathParameters: { queue } }), lambdaContext("admin-redrive-all"));
const tasks = (queue: string) => listMoveTasks(h.event("GET /admin/dead-letters/{queue}/move-tasks", { pathParameters: { queue } }), lambdaContext("admin-list-move-tasks"));
const depth = async (resource: string) => {
  const { Attributes } = await h.sqs!.client.send(new GetQueueAttributesCommand({ QueueUrl: h.sqs!.queueUrls[resource], AttributeNames: ["ApproximateNumberOfMessages"] }));
  return Number(Attributes?.ApproximateNumberOfMessages);
};

describe("POST /admin/dead-letters/{queue}/redrive", () => {
  it("starts a move task that returns every parked message to its source, listed with its progress", async () => {
    await h.parkDeadLetters(["a", "b", "c"]);
    expect(await depth("OrderEventsDlq")).toBe(3);

    const response = await start("OrderEventsDlq");

    expect(response.statusCode).toBe(202);
    const { taskHandle } = bodyOf(response);
    expect(taskHandle).toEqual(expect.any(String));
    expect(taskHandle).not.toBe("");
    expect(out.logged("dead-letter redrive started")).toEqual([expect.objectContaining({ queue: "OrderEventsDlq", taskHandle, operatorId: OPERATOR.customerId })]);
    expect((await listAuditEntries(h.audit, { target: "queue:OrderEventsDlq", limit: 10 })).entries).toEqual([
      expect.objectContaining({ action: "dlq.redrive_all", result: "succeeded", before: { depth: 3 }, after: { taskHandle, destination: "OrderEventsQueue" } }),
    ]);

    await vi.waitFor(async () => expect(await depth("OrderEventsQueue")).toBe(3), { timeout: 15_000, interval: 200 });
    expect(await depth("OrderEventsDlq")).toBe(0);
    const listed = await tasks("OrderEventsDlq");
    expect(listed.statusCode).toBe(200);
    // As SQS does, a finished task is listed without its handle (that is only for cancelling a running one).
    expect(bodyOf(listed).tasks).toEqual([expect.objectContaining({ status: "COMPLETED", movedMessages: 3, startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })]);
  });

  it("answers 404 for a queue it may not operate, for both routes", async () => {
    const noPath = (route: string) => h.event(route);
    for (const response of [
      await start("OrderEventsQueue"),
      await tasks("NoSuchDlq"),
      await redriveAll(noPath("POST /admin/dead-letters/{queue}/redrive"), lambdaContext("admin-redrive-all")),
      await listMoveTasks(noPath("GET /admin/dead-letters/{queue}/move-tasks"), lambdaContext("admin-list-move-tasks")),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(bodyOf(response).error.code).toBe("NOT_FOUND");
    }
  });
});
