// Operating the dead-letter queues: depth of each, inspecting parked messages, redriving one or all
// of them to their source queue, deleting one. Inspection is a receive that holds the messages
// briefly and releases them at once (visibility back to 0): nothing is consumed, but each look
// counts as a receive (ApproximateReceiveCount rises), as the AWS console's "poll for messages"
// does. Redriving all uses SQS's own message-move task; one message is sent to the source queue
// and then deleted (a crash between the two leaves a copy in both: consumers are idempotent).
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { NotFound } from "../shared/domain-error";
import { newAuditEntry, recordAuditEntry, type AuditLog, type Operator } from "../admin/audit-log";

/** A dead-letter queue and the queue whose failures it parks, by their topology names. */
export interface DeadLetterQueueRef {
  readonly resource: string;
  readonly url: string;
  /** `url` is empty for a handler that never sends to the source (it is not linked to it). */
  readonly source: { readonly resource: string; readonly url: string };
  readonly maxReceiveCount: number;
}

export interface DeadLetterDeps {
  sqs: SQSClient;
  queues: readonly DeadLetterQueueRef[];
  audit: AuditLog;
  now?: () => Date;
}

export interface DeadLetterQueueSummary {
  resource: string;
  source: string;
  maxReceiveCount: number;
  /** Messages waiting (ApproximateNumberOfMessages). */
  depth: number;
  /** Messages received and not yet deleted or released (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  messageAttributes: Record<string, string>;
  /** Receives so far, the source queue's included (inspections count too). */
  receiveCount: number;
  sentAt: string | undefined;
  /** The first receive, on the source queue: when the message began failing. */
  firstReceivedAt: string | undefined;
}

/** Seconds an inspected message is hidden before it is released (a crash mid-inspection hides it no longer). */
const INSPECT_HOLD_SECONDS = 20;
export const MAX_INSPECTED = 50;

function queueOf(deps: DeadLetterDeps, resource: string): DeadLetterQueueRef {
  const queue = deps.queues.find((candidate) => candidate.resource === resource);
  if (!queue) throw new NotFound("Dead-letter queue");
  return queue;
}

async function attributes(sqs: SQSClient, url: string, names: ("ApproximateNumberOfMessages" | "ApproximateNumberOfMessagesNotVisible" | "QueueArn")[]) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }));
  return Attributes ?? {};
}

export async function listDeadLetterQueues(deps: DeadLetterDeps): Promise<DeadLetterQueueSummary[]> {
  return Promise.all(
    deps.queues.map(async (queue) => {
      const dlq = await attributes(deps.sqs, queue.url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
      return {
        resource: queue.resource,
        source: queue.source.resource,
        maxReceiveCount: queue.maxReceiveCount,
        depth: Number(dlq.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(dlq.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    }),
  );
}

export interface QueueDepth {
  resource: string;
  /** Messages waiting to be consumed. */
  depth: number;
  /** Messages being consumed (received, not yet deleted). */
  inFlight: number;
}

/** The depth of each source queue the caller is linked to (the live sale view's backlog). */
export async function listSourceQueueDepths(deps: Pick<DeadLetterDeps, "sqs" | "queues">): Promise<QueueDepth[]> {
  return Promise.all(
    deps.queues
      .filter((queue) => queue.source.url !== "")
      .map(async ({ source }) => {
        const queue = await attributes(deps.sqs, source.url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return { resource: source.resource, depth: Number(queue.ApproximateNumberOfMessages ?? 0), inFlight: Number(queue.ApproximateNumberOfMessagesNotVisible ?? 0) };
      }),
  );
}

function toDeadLetter(message: Message): DeadLetter {
  const epoch = (value: string | undefined) => (value ? new Date(Number(value)).toISOString() : undefined);
  return {
    messageId: message.MessageId ?? "",
    body: message.Body ?? "",
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? `(${value.DataType})`])),
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: epoch(message.Attributes?.SentTimestamp),
    firstReceivedAt: epoch(message.Attributes?.ApproximateFirstReceiveTimestamp),
  };
}

/**
 * Receives up to `max` distinct messages, holding each briefly, until `stop` says enough or the
 * queue gives nothing new. The caller must release (or delete) what it got.
 */
async function receiveHeld(sqs: SQSClient, url: string, max: number, stop: (message: Message) => boolean): Promise<Message[]> {
  const held = new Map<string, Message>();
  while (held.size < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, max - held.size),
        VisibilityTimeout: INSPECT_HOLD_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const fresh = Messages.filter((message) => message.MessageId && !held.has(message.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) held.set(message.MessageId!, message);
    if (fresh.some(stop)) break;
  }
  return [...held.values()];
}

async function release(sqs: SQSClient, url: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: batch.map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
}

/** Up to `max` parked messages, left where they are. */
export async function inspectDeadLetters(deps: DeadLetterDeps, resource: string, max = 10): Promise<DeadLetter[]> {
  const queue = queueOf(deps, resource);
  const messages = await receiveHeld(deps.sqs, queue.url, Math.min(Math.max(1, max), MAX_INSPECTED), () => false);
  await release(deps.sqs, queue.url, messages);
  return messages.map(toDeadLetter);
}

/** Holds the one message with this id (releasing every other one looked at); NotFound if absent. */
async function holdOne(deps: DeadLetterDeps, queue: DeadLetterQueueRef, messageId: string): Promise<Message> {
  const { ApproximateNumberOfMessages } = await attributes(deps.sqs, queue.url, ["ApproximateNumberOfMessages"]);
  const depth = Number(ApproximateNumberOfMessages ?? 0);
  const seen = await receiveHeld(deps.sqs, queue.url, Math.max(10, depth + 10), (message) => message.MessageId === messageId);
  const target = seen.find((message) => message.MessageId === messageId);
  await release(
    deps.sqs,
    queue.url,
    seen.filter((message) => message !== target),
  );
  if (!target) throw new NotFound("Message");
  return target;
}

async function audit(deps: DeadLetterDeps, operator: Operator, action: "dlq.redrive" | "dlq.redrive_all" | "dlq.delete", resource: string, details: { before?: unknown; after?: unknown; result: "succeeded" | "failed"; error?: string; reason?: string }) {
  await recordAuditEntry(deps.audit, newAuditEntry({ operator, action, target: `queue:${resource}`, ...details }, deps.now?.() ?? new Date()));
}

/** Sends one parked message back to its source queue (body and attributes as they were), then deletes it here. */
export async function redriveDeadLetter(deps: DeadLetterDeps, operator: Operator, resource: string, messageId: string): Promise<{ messageId: string; newMessageId: string }> {
  const queue = queueOf(deps, resource);
  const message = await holdOne(deps, queue, messageId);
  try {
    const attributesToKeep: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      attributesToKeep[name] = { DataType: value.DataType!, ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}), ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}) };
    }
    const sent = await deps.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.source.url, MessageBody: message.Body ?? "", ...(Object.keys(attributesToKeep).length > 0 ? { MessageAttributes: attributesToKeep } : {}) }),
    );
    await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle! }));
    const result = { messageId, newMessageId: sent.MessageId ?? "" };
    await audit(deps, operator, "dlq.redrive", resource, { before: toDeadLetter(message), after: { queue: queue.source.resource, messageId: result.newMessageId }, result: "succeeded" });
    return result;
  } catch (error) {
    await audit(deps, operator, "dlq.redrive", resource, { before: { messageId }, result: "failed", error: (error as Error).message });
    throw error;
  }
}

/** Deletes one parked message for good (it is in the audit entry, body included). */
export async function deleteDeadLetter(deps: DeadLetterDeps, operator: Operator, resource: string, messageId: string, reason: string): Promise<void> {
  const queue = queueOf(deps, resource);
  const message = await holdOne(deps, queue, messageId);
  await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle! }));
  await audit(deps, operator, "dlq.delete", resource, { before: toDeadLetter(message), after: null, result: "succeeded", reason });
}

export interface MoveTask {
  taskHandle: string | undefined;
  status: string;
  movedMessages: number;
  messagesToMove: number | undefined;
  startedAt: string | undefined;
  failureReason: string | undefined;
}

/** Starts SQS's message-move task: every message now in the queue goes back to its source queue. */
export async function redriveAllDeadLetters(deps: DeadLetterDeps, operator: Operator, resource: string): Promise<{ taskHandle: string }> {
  const queue = queueOf(deps, resource);
  const { QueueArn, ApproximateNumberOfMessages } = await attributes(deps.sqs, queue.url, ["QueueArn", "ApproximateNumberOfMessages"]);
  const before = { depth: Number(ApproximateNumberOfMessages ?? 0) };
  try {
    // To the source queue by name: an order-event consumer's DLQ also holds events EventBridge could
    // not deliver to that queue (its target's dead-letter config), which no SQS redrive moved there,
    // so SQS has no "original source" to return them to on its own.
    const destination = queue.source.url ? (await attributes(deps.sqs, queue.source.url, ["QueueArn"])).QueueArn : undefined;
    const { TaskHandle } = await deps.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: QueueArn!, ...(destination ? { DestinationArn: destination } : {}) }));
    await audit(deps, operator, "dlq.redrive_all", resource, { before, after: { taskHandle: TaskHandle, destination: queue.source.resource }, result: "succeeded" });
    return { taskHandle: TaskHandle ?? "" };
  } catch (error) {
    await audit(deps, operator, "dlq.redrive_all", resource, { before, result: "failed", error: (error as Error).message });
    throw error;
  }
}

/** The queue's recent message-move tasks, newest first (SQS keeps them for 14 days). */
export async function listMoveTasks(deps: DeadLetterDeps, resource: string): Promise<MoveTask[]> {
  const queue = queueOf(deps, resource);
  const { QueueArn } = await attributes(deps.sqs, queue.url, ["QueueArn"]);
  const { Results = [] } = await deps.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: QueueArn!, MaxResults: 10 }));
  return Results.map((task) => ({
    taskHandle: task.TaskHandle,
    status: task.Status ?? "UNKNOWN",
    movedMessages: task.ApproximateNumberOfMessagesMoved ?? 0,
    messagesToMove: task.ApproximateNumberOfMessagesToMove,
    startedAt: task.StartedTimestamp ? new Date(task.StartedTimestamp).toISOString() : undefined,
    failureReason: task.FailureReason,
  }));
}
