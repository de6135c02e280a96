// A message the worker can never process is retried maxReceiveCount times and then parked in
// the DLQ, while good messages in the same batches still succeed (partial batch responses).
import { ReceiveMessageCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queues } from "@shopwave/infra/topology";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { checkoutSessionEvent } from "../support/stripe-webhook";
import { orderStatus, placeOrder, startTestStack, type TestStack } from "../support/test-stack";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ visibilityTimeoutSeconds: 1 });
});
afterAll(async () => t?.stop());

it("parks a poison message in the DLQ after maxReceiveCount and still processes its batch-mates", async () => {
  const placed = await placeOrder(t.api, seedProducts[7]!.id);
  const good = checkoutSessionEvent("checkout.session.completed", {
    id: placed.order.checkoutSessionId,
    orderId: placed.order.id,
    amountTotal: placed.order.totalCents,
    currency: "usd",
  });
  await t.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: t.stack.queueUrls.orderEvents,
      Entries: [
        { Id: "poison", MessageBody: "{ this is not a Stripe event" },
        { Id: "good", MessageBody: good },
      ],
    }),
  );

  await waitFor("the good event applied", async () =>
    (await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined,
  );
  const parked = await waitFor(
    "the poison message in the DLQ",
    async () => {
      const received = await t.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: t.stack.queueUrls.orderEventsDlq,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      return received.Messages?.length ? received.Messages : undefined;
    },
    60_000,
  );
  expect(parked.map((m) => m.Body)).toEqual(["{ this is not a Stripe event"]);
  // It was received maxReceiveCount times from the main queue before being moved.
  const mainQueue = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: t.stack.queueUrls.orderEvents, WaitTimeSeconds: 1 }));
  expect(mainQueue.Messages ?? []).toEqual([]);
  expect(queues.orderEvents.deadLetter.maxReceiveCount).toBeGreaterThan(1);
});
