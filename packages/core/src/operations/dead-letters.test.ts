// The dead-letter operations on the local SQS (fauxqs, with our message-move tasks in front) and
// the audit table on DynamoDB Local: messages are really dead-lettered by the redrive policy, then
// inspected in place, redriven one by one (body and attributes intact), deleted, or all moved back
// by a message-move task; every action leaves an audit entry.
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
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
  listSourceQueueDepths,
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

/** The same SQS, with every command sent through it recorded (to check what was asked, not only what came back). */
function recorded(of: DeadLetterDeps): { deps: DeadLetterDeps; commands: unknown[] } {
  const commands: unknown[] = [];
  const spy = { send: (command: Parameters<SQSClient["send"]>[0]) => (commands.push(command), client.send(command)) } as unknown as SQSClient;
  return { deps: { ...of, sqs: spy }, commands };
}
const ofType = <T>(commands: unknown[], type: new (...args: never[]) => T): T[] => commands.filter((command): command is T => command instanceof type);

let pairs = 0;
/** A source queue and its DLQ of their own (so no other test's leftovers count), named `${name}` / `${name}Dlq`. */
async function freshPair(name: string): Promise<{ deps: DeadLetterDeps; dlq: string; source: string }> {
  const resource = `${name}${++pairs}`;
  const made = await createQueues(client, [{ ...topologyQueues.orderEvents, resource, deadLetter: { resource: `${resource}Dlq`, maxReceiveCount: 1 } }], (queue) => `dl-test-${queue}`);
  const dlq = made[`${resource}Dlq`]!.url;
  const source = made[resource]!.url;
  return { dlq, source, deps: { ...deps, queues: [{ resource: "Dlq", url: dlq, source: { resource: "Source", url: source }, maxReceiveCount: 1 }] } };
}
/** Parks messages straight on a DLQ, as EventBridge does with an event it could not deliver. */
async function park(url: string, bodies: string[]): Promise<void> {
  for (const body of bodies) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: { orderId: { DataType: "String", StringValue: `ord_for_${body}` } } }));
}
const hold = async (url: string): Promise<Message> => (await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }))).Messages![0]!;

describe("dead-letter operations, edge cases", () => {
  it("counts a message someone holds as in flight, on the DLQ and on each linked source queue", async () => {
    const pair = await freshPair("InFlight");
    await park(pair.dlq, ["held", "waiting"]);
    await hold(pair.dlq);
    expect(await listDeadLetterQueues(pair.deps)).toEqual([{ resource: "Dlq", source: "Source", maxReceiveCount: 1, depth: 1, inFlight: 1 }]);

    await park(pair.source, ["busy", "queued"]);
    await hold(pair.source);
    // A handler not linked to its source queue (empty url) has no backlog to show.
    const unlinked = { resource: "OtherDlq", url: pair.dlq, source: { resource: "Unlinked", url: "" }, maxReceiveCount: 1 };
    expect(await listSourceQueueDepths({ sqs: client, queues: [unlinked, ...pair.deps.queues] })).toEqual([{ resource: "Source", depth: 1, inFlight: 1 }]);
    await expect(inspectDeadLetters(pair.deps, "NoSuchDlq")).rejects.toThrow("Dead-letter queue was not found.");
  });

  it("inspects at most the number asked for, across several receives, and releases every one in batches of ten", async () => {
    const pair = await freshPair("Inspect");
    await park(pair.dlq, Array.from({ length: 15 }, (_, i) => `m${i}`));
    expect(await inspectDeadLetters(pair.deps, "Dlq", 2)).toHaveLength(2);
    const look = recorded(pair.deps);
    expect(await inspectDeadLetters(look.deps, "Dlq", 12)).toHaveLength(12);
    expect(ofType(look.commands, ReceiveMessageCommand).map((command) => command.input)).toEqual([
      expect.objectContaining({ MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }),
      expect.objectContaining({ MaxNumberOfMessages: 2 }),
    ]);
    expect(ofType(look.commands, ChangeMessageVisibilityBatchCommand).map((command) => command.input.Entries!.length)).toEqual([10, 2]);
    expect(await listDeadLetterQueues(pair.deps)).toEqual([expect.objectContaining({ depth: 15, inFlight: 0 })]);
    expect(await inspectDeadLetters(pair.deps, "Dlq", 50)).toHaveLength(15);
  });

  it("finds a message beyond the first receive to delete, and stops receiving once the one asked for is held", async () => {
    const pair = await freshPair("Find");
    await park(pair.dlq, Array.from({ length: 15 }, (_, i) => `m${i}`));
    const all = await inspectDeadLetters(pair.deps, "Dlq", 50);
    expect(all).toHaveLength(15);
    // The last one inspected came in a later receive than the first ten.
    await deleteDeadLetter(pair.deps, operator, "Dlq", all[14]!.messageId, "beyond the first ten");
    const first = recorded(pair.deps);
    await deleteDeadLetter(first.deps, operator, "Dlq", all[0]!.messageId, "in the first ten");
    expect(ofType(first.commands, ReceiveMessageCommand)).toHaveLength(1);
    expect(await listDeadLetterQueues(pair.deps)).toEqual([expect.objectContaining({ depth: 13, inFlight: 0 })]);
    await expect(deleteDeadLetter(pair.deps, operator, "Dlq", all[0]!.messageId, "again")).rejects.toThrow("Message was not found.");
  });

  it("shows and redrives a binary attribute as it was", async () => {
    const pair = await freshPair("Binary");
    const bytes = new Uint8Array([0, 1, 254, 255]);
    await client.send(new SendMessageCommand({ QueueUrl: pair.dlq, MessageBody: "binary", MessageAttributes: { blob: { DataType: "Binary", BinaryValue: bytes }, kind: { DataType: "String", StringValue: "k" } } }));
    const [parked] = await inspectDeadLetters(pair.deps, "Dlq");
    expect(parked!.messageAttributes).toEqual({ blob: "(Binary)", kind: "k" });
    await redriveDeadLetter(pair.deps, operator, "Dlq", parked!.messageId);
    const [back] = await receive(pair.source);
    expect(back!.MessageAttributes).toEqual({ blob: { DataType: "Binary", BinaryValue: bytes }, kind: { DataType: "String", StringValue: "k" } });
  });

  it("audits the move task's handle and destination, and lists no tasks for a queue never redriven", async () => {
    const pair = await freshPair("Move");
    expect(await listMoveTasks(pair.deps, "Dlq")).toEqual([]);
    await park(pair.dlq, ["t1"]);
    const { taskHandle } = await redriveAllDeadLetters(pair.deps, operator, "Dlq");
    expect(taskHandle).toEqual(expect.stringMatching(/\S/));
    expect((await listAuditEntries(deps.audit, { target: "queue:Dlq", limit: 1 })).entries[0]).toMatchObject({ action: "dlq.redrive_all", after: { taskHandle, destination: "Source" } });
  });

  it("audits a failed redrive (one or all) and leaves the message parked", async () => {
    const pair = await freshPair("Gone");
    // The source queue's url names no queue: sending there fails.
    const failing = { ...pair.deps, queues: [{ ...pair.deps.queues[0]!, resource: "GoneDlq", source: { resource: "Gone", url: `${pair.source}-deleted` } }] };
    await park(pair.dlq, ["stuck"]);
    const [parked] = await inspectDeadLetters(failing, "GoneDlq");
    await expect(redriveDeadLetter(failing, operator, "GoneDlq", parked!.messageId)).rejects.toThrow();
    await expect(redriveAllDeadLetters(failing, operator, "GoneDlq")).rejects.toThrow();
    const { entries } = await listAuditEntries(deps.audit, { target: "queue:GoneDlq", limit: 10 });
    expect(entries).toEqual([
      expect.objectContaining({ action: "dlq.redrive_all", result: "failed", before: { depth: 0 }, error: expect.stringMatching(/\S/) }),
      expect.objectContaining({ action: "dlq.redrive", result: "failed", before: { messageId: parked!.messageId }, error: expect.stringMatching(/\S/) }),
    ]);
    // Held by the failed redrive (until its hold ends), not lost.
    expect(await listDeadLetterQueues(failing)).toEqual([expect.objectContaining({ depth: 0, inFlight: 1 })]);
  });
});
