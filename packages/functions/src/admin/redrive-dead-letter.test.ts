// POST /admin/dead-letters/{queue}/messages/{messageId}/redrive on the local SQS: one parked message
// goes back to the order-events queue with its body and attributes, leaves the dead-letter queue,
// and is audited; an unknown message is a 404 that moves nothing.
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listAuditEntries } from "@shopwave/core/admin/audit-log";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let inspect: (typeof import("./inspect-dead-letters"))["handler"];
let redrive: (typeof import("./redrive-dead-letter"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness({ sqs: true });
  ({ handler: inspect } = await h.load(() => import("./inspect-dead-letters")));
  ({ handler: redrive } = await h.load(() => import("./redrive-dead-letter")));
  await h.parkDeadLetters(["first", "second"]);
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const parked = async (): Promise<{ messageId: string; body: string }[]> =>
  bodyOf(await inspect(h.event("GET /admin/dead-letters/{queue}/messages", { pathParameters: { queue: "OrderEventsDlq" } }), lambdaContext("admin-inspect-dead-letters"))).messages;
const redriveOne = (messageId: string, queue = "OrderEventsDlq") =>
  redrive(h.event("POST /admin/dead-letters/{queue}/messages/{messageId}/redrive", { pathParameters: { queue, messageId } }), lambdaContext("admin-redrive-dead-letter"));

describe("POST /admin/dead-letters/{queue}/messages/{messageId}/redrive", () => {
  it("answers 404 for an unknown message or queue and moves nothing", async () => {
    const [message] = await parked();
    for (const response of [await redriveOne("00000000-0000-0000-0000-000000000000"), await redriveOne(message!.messageId, "NoSuchDlq")]) {
      expect(response.statusCode).toBe(404);
      expect(bodyOf(response).error.code).toBe("NOT_FOUND");
    }
    const noPath = h.event("POST /admin/dead-letters/{queue}/messages/{messageId}/redrive");
    expect((await redrive(noPath, lambdaContext("admin-redrive-dead-letter"))).statusCode).toBe(404);
    expect(await parked()).toHaveLength(2);
  });

  it("sends one message back to its source queue with its attributes, and audits it", async () => {
    const first = (await parked()).find((message) => message.body === "first")!;

    const response = await redriveOne(first.messageId);

    expect(response.statusCode).toBe(200);
    const result = bodyOf(response);
    expect(result).toEqual({ messageId: first.messageId, newMessageId: expect.any(String) });
    expect((await parked()).map((message) => message.body)).toEqual(["second"]);
    const { Messages = [] } = await h.sqs!.client.send(
      new ReceiveMessageCommand({ QueueUrl: h.sqs!.queueUrls.OrderEventsQueue, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => [message.MessageId, message.Body, message.MessageAttributes?.orderId?.StringValue])).toEqual([[result.newMessageId, "first", "ord_for_first"]]);
    expect(out.logged("dead letter redriven")).toEqual([expect.objectContaining({ queue: "OrderEventsDlq", messageId: first.messageId, operatorId: OPERATOR.customerId })]);
    expect((await listAuditEntries(h.audit, { target: "queue:OrderEventsDlq", limit: 10 })).entries).toEqual([
      expect.objectContaining({ action: "dlq.redrive", result: "succeeded", after: { queue: "OrderEventsQueue", messageId: result.newMessageId } }),
    ]);
  });
});
