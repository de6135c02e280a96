// POST /admin/dead-letters/{queue}/messages/{messageId}/delete on the local SQS: one parked message
// deleted for good with a reason, the others left; its body kept in the audit entry; an unknown
// message is a 404 and a missing reason a 400, deleting nothing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listAuditEntries } from "@shopwave/core/admin/audit-log";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let inspect: (typeof import("./inspect-dead-letters"))["handler"];
let deleteDeadLetter: (typeof import("./delete-dead-letter"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness({ sqs: true });
  ({ handler: inspect } = await h.load(() => import("./inspect-dead-letters")));
  ({ handler: deleteDeadLetter } = await h.load(() => import("./delete-dead-letter")));
  await h.parkDeadLetters(["keep", "drop"]);
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const parked = async (): Promise<{ messageId: string; body: string }[]> =>
  bodyOf(await inspect(h.event("GET /admin/dead-letters/{queue}/messages", { pathParameters: { queue: "OrderEventsDlq" } }), lambdaContext("admin-inspect-dead-letters"))).messages;
const remove = (messageId: string, json: unknown, queue = "OrderEventsDlq") =>
  deleteDeadLetter(h.event("POST /admin/dead-letters/{queue}/messages/{messageId}/delete", { pathParameters: { queue, messageId }, json }), lambdaContext("admin-delete-dead-letter"));

describe("POST /admin/dead-letters/{queue}/messages/{messageId}/delete", () => {
  it("refuses without a reason (400) or for an unknown message or queue (404), deleting nothing", async () => {
    const drop = (await parked()).find((message) => message.body === "drop")!;
    for (const body of [{}, { reason: " " }, { reason: "x", force: true }]) {
      const response = await remove(drop.messageId, body);
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).error.code).toBe("VALIDATION_FAILED");
    }
    expect((await remove("00000000-0000-0000-0000-000000000000", { reason: "x" })).statusCode).toBe(404);
    expect((await remove(drop.messageId, { reason: "x" }, "OrderEventsQueue")).statusCode).toBe(404);
    expect((await remove(drop.messageId, { reason: "x".repeat(2100) })).statusCode).toBe(413);
    const noPath = h.event("POST /admin/dead-letters/{queue}/messages/{messageId}/delete", { json: { reason: "x" } });
    expect((await deleteDeadLetter(noPath, lambdaContext("admin-delete-dead-letter"))).statusCode).toBe(404);
    expect((await parked()).map((message) => message.body).sort()).toEqual(["drop", "keep"]);
  });

  it("deletes one message for good and audits it with its body and the reason", async () => {
    const drop = (await parked()).find((message) => message.body === "drop")!;

    const response = await remove(drop.messageId, { reason: "poison message" });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ deleted: drop.messageId });
    expect((await parked()).map((message) => message.body)).toEqual(["keep"]);
    expect(out.logged("dead letter deleted")).toEqual([expect.objectContaining({ queue: "OrderEventsDlq", messageId: drop.messageId, operatorId: OPERATOR.customerId })]);
    expect((await listAuditEntries(h.audit, { target: "queue:OrderEventsDlq", limit: 10 })).entries).toEqual([
      expect.objectContaining({ action: "dlq.delete", result: "succeeded", reason: "poison message", operatorId: OPERATOR.customerId, before: expect.objectContaining({ body: "drop" }) }),
    ]);
    expect((await remove(drop.messageId, { reason: "again" })).statusCode).toBe(404);
  });
});
