// The dead-letter operations on the local SQS (fauxqs, with our message-move tasks in front) and
// the audit table on DynamoDB Local: messages are really dead-lettered by the redrive policy, then
// inspected in place, redriven one by one (body and attributes intact), deleted, or all moved back
// by a message-move task; every action leaves an audit entry.
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { queues as topologyQueues, tables } from "@shopwave/infra/topology";
import { createQueues, startLocalSqs, type CreatedQueue, type LocalSqs } from "@shopwave/local/aws/sqs-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { listAuditEntries, type AuditLog } from "../admin/audit-log";
import { NotFound } from "../shared/domain-error";
import {
  deleteDeadLetter,
  inspectDeadLetters,
  listDeadLetterQueues,
  listMoveTasks,
  redriveAllDeadLetters,
  redriveDeadLetter,
  type DeadLetterDeps,
} from "./dead-letters";

let u: UnitStore;
let sqs: LocalSqs;
let client: SQSClient;
let created: Record<string, CreatedQueue>;
let deps: DeadLetterDeps;
const operator = { id: "acct_operator", email: "ops@shop.example" };

beforeAll(async () => {
  u = await createUnitStore();
  sqs = await startLocalSqs();
  client = new SQSClient({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  // The order-events queue as declared, but a message is dead-lettered after its first failed receive.
  created = await createQueues(client, [{ ...topologyQueues.orderEvents, resource: "Source", visibilityTimeoutSeconds: 0, deadLetter: { resource: "SourceDlq", maxReceiveCount: 1 } }], (name) => `dl-test-${name}`);
  const [byTime, byOperator, byTarget] = tables.audit.globalIndexes;
  const audit: AuditLog = { db: u.store.db, table: JSON.parse(u.handlerEnv.SST_RESOURCE_AuditTable!).name, indexes: { byTime: byTime.name, byOperator: byOperator.name, byTarget: byTarget.name } };
  deps = {
    sqs: client,
    audit,
    queues: [{ resource: "SourceDlq", url: created.SourceDlq!.url, source: { resource: "Source", url: created.Source!.url }, maxReceiveCount: 1 }],
  };
});
afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
  await u?.destroy();
});

const receive = async (url: string): Promise<Message[]> =>
  (await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], VisibilityTimeout: 30 }))).Messages ?? [];

/** Sends messages to the source and lets each fail once (received, never deleted): the redrive policy parks them. */
async function deadLetter(bodies: string[]): Promise<void> {
  for (const body of bodies) {
    await client.send(new SendMessageCommand({ QueueUrl: created.Source!.url, MessageBody: body, MessageAttributes: { orderId: { DataType: "String", StringValue: `ord_for_${body}` } } }));
  }
  // Visibility 0 on the source: the first receive hands them out, the next finds them over maxReceiveCount.
  await client.send(new ReceiveMessageCommand({ QueueUrl: created.Source!.url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  expect(await receive(created.Source!.url)).toEqual([]);
}

async function drainDlq(): Promise<void> {
  for (const message of await inspectDeadLetters(deps, "SourceDlq", 50)) await deleteDeadLetter(deps, operator, "SourceDlq", message.messageId, "test cleanup");
}

describe("dead-letter operations", () => {
  it("lists depth and inspects messages without taking them off the queue", async () => {
    await deadLetter(["a", "b", "c"]);
    expect(await listDeadLetterQueues(deps)).toEqual([{ resource: "SourceDlq", source: "Source", maxReceiveCount: 1, depth: 3, inFlight: 0 }]);
    const first = await inspectDeadLetters(deps, "SourceDlq", 10);
    expect(first.map((message) => message.body).sort()).toEqual(["a", "b", "c"]);
    expect(first[0]).toMatchObject({ messageAttributes: { orderId: expect.stringMatching(/^ord_for_/) }, firstReceivedAt: expect.any(String), sentAt: expect.any(String) });
    expect(first[0]!.receiveCount).toBeGreaterThanOrEqual(2);
    // Still there, visible, and a second look sees the same messages.
    expect(await listDeadLetterQueues(deps)).toEqual([expect.objectContaining({ depth: 3, inFlight: 0 })]);
    expect((await inspectDeadLetters(deps, "SourceDlq", 10)).map((message) => message.messageId).sort()).toEqual(first.map((message) => message.messageId).sort());
    await expect(inspectDeadLetters(deps, "NoSuchDlq")).rejects.toBeInstanceOf(NotFound);
    await drainDlq();
  });

  it("redrives one message to its source with its body and attributes, and deletes another", async () => {
    await deadLetter(["keep-me", "drop-me", "leave-me"]);
    const parked = await inspectDeadLetters(deps, "SourceDlq");
    const byBody = (body: string) => parked.find((message) => message.body === body)!;
    const redriven = await redriveDeadLetter(deps, operator, "SourceDlq", byBody("keep-me").messageId);
    await deleteDeadLetter(deps, operator, "SourceDlq", byBody("drop-me").messageId, "poison: unknown event type");
    await expect(redriveDeadLetter(deps, operator, "SourceDlq", byBody("drop-me").messageId)).rejects.toBeInstanceOf(NotFound);

    const back = await receive(created.Source!.url);
    expect(back.map((message) => [message.MessageId, message.Body, message.MessageAttributes?.orderId?.StringValue])).toEqual([[redriven.newMessageId, "keep-me", "ord_for_keep-me"]]);
    expect((await inspectDeadLetters(deps, "SourceDlq")).map((message) => message.body)).toEqual(["leave-me"]);

    const { entries } = await listAuditEntries(deps.audit, { target: "queue:SourceDlq", limit: 10 });
    expect(entries.slice(0, 2)).toEqual([
      expect.objectContaining({ action: "dlq.delete", result: "succeeded", reason: "poison: unknown event type", before: expect.objectContaining({ body: "drop-me" }) }),
      expect.objectContaining({ action: "dlq.redrive", result: "succeeded", operatorId: operator.id, after: { queue: "Source", messageId: redriven.newMessageId } }),
    ]);
    await drainDlq();
  });

  it("moves every parked message back with a message-move task", async () => {
    await deadLetter(["m1", "m2", "m3", "m4"]);
    const { taskHandle } = await redriveAllDeadLetters(deps, operator, "SourceDlq");
    expect(taskHandle).not.toBe("");
    let tasks = await listMoveTasks(deps, "SourceDlq");
    while (tasks[0]?.status === "RUNNING") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      tasks = await listMoveTasks(deps, "SourceDlq");
    }
    expect(tasks[0]).toMatchObject({ status: "COMPLETED", movedMessages: 4, messagesToMove: 4 });
    expect((await receive(created.Source!.url)).map((message) => message.Body).sort()).toEqual(["m1", "m2", "m3", "m4"]);
    expect(await listDeadLetterQueues(deps)).toEqual([expect.objectContaining({ depth: 0 })]);
    expect((await listAuditEntries(deps.audit, { target: "queue:SourceDlq", limit: 1 })).entries[0]).toMatchObject({ action: "dlq.redrive_all", before: { depth: 4 }, result: "succeeded" });
  });

  it("names the source queue as the move's destination, so messages sent straight to the DLQ go back there too", async () => {
    // As EventBridge parks an event it could not deliver to a consumer's queue: no SQS redrive moved it.
    await client.send(new SendMessageCommand({ QueueUrl: created.SourceDlq!.url, MessageBody: "undeliverable" }));
    await redriveAllDeadLetters(deps, operator, "SourceDlq");
    const arnOf = async (url: string) => (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn;
    const { Results = [] } = await client.send(new ListMessageMoveTasksCommand({ SourceArn: await arnOf(created.SourceDlq!.url), MaxResults: 1 }));
    expect(Results[0]?.DestinationArn).toBe(await arnOf(created.Source!.url));
    let tasks = await listMoveTasks(deps, "SourceDlq");
    while (tasks[0]?.status === "RUNNING") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      tasks = await listMoveTasks(deps, "SourceDlq");
    }
    expect(tasks[0]).toMatchObject({ status: "COMPLETED", movedMessages: 1 });
    expect((await receive(created.Source!.url)).map((message) => message.Body)).toEqual(["undeliverable"]);
  });
});
