// `npm run dlq -- list|redrive`: the operator's tool for the dead-letter queues: the order-events
// queue's (Stripe events) by default, or an order event consumer's with --consumer.
// `list` shows what is parked (without consuming it); `redrive` moves messages back to the
// source queue for the worker to try again, which is safe because every effect is idempotent.
//
// Works against the local stack by default (the queues `npm run dev` creates) and against a
// deployed stage with --queue-url/--dlq-url (credentials from the usual AWS environment). On AWS,
// `aws sqs start-message-move-task` is the native alternative; it is not available locally
// (fauxqs has no StartMessageMoveTask), so redrive here is receive → send → delete, at least once.
import { pathToFileURL } from "node:url";
import { parseArgs, styleText } from "node:util";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { eventConsumers, queues, type QueueDeclaration } from "@shopwave/infra/topology";
import { loadLocalEnv, portFrom } from "../stack/local-env";
import { queueNameFor } from "../stack/local-stack";

const usage = `Usage: npm run dlq -- <list|redrive> [options]

  list                 show the messages parked in the order-events DLQ (they stay there)
  redrive              move them back to the order-events queue for the worker to retry

Options:
  --consumer NAME      an order event consumer's DLQ instead (${Object.keys(eventConsumers).join(", ")});
                       \`--consumer all\` with list shows how many messages each DLQ holds
  --max N              at most N messages (default: all)
  --queue-url URL      source queue (default: the local stack's order-events queue)
  --dlq-url URL        dead-letter queue (default: the local stack's DLQ)
  --endpoint URL       SQS endpoint (default: local http://127.0.0.1:$SQS_PORT unless --dlq-url is given)
  --json               print JSON instead of a table (list)
`;

/** How long a listed message stays hidden while we page through the DLQ; made visible again afterwards. */
const PEEK_VISIBILITY_SECONDS = 30;

interface DlqTarget {
  client: SQSClient;
  queueUrl: string;
  dlqUrl: string;
}

export interface ParkedMessage {
  messageId: string;
  receiveCount: number;
  sentAt: string;
  stripeEventId?: string;
  stripeEventType?: string;
  /** An order event's type and id, for a message from an order event consumer's DLQ (the bus's envelope). */
  orderEventType?: string;
  orderEventId?: string;
  orderId?: string;
  body: string;
}

export function describeParkedMessage(message: Message): ParkedMessage {
  const body = message.Body ?? "";
  let event: {
    id?: unknown;
    type?: unknown;
    data?: { object?: { client_reference_id?: unknown; metadata?: { orderId?: unknown } } };
    "detail-type"?: unknown;
    detail?: { id?: unknown; orderId?: unknown };
  } = {};
  try {
    event = JSON.parse(body) as typeof event;
  } catch {
    // not JSON: shown as it is
  }
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const orderId =
    text(event.data?.object?.client_reference_id) ??
    text(event.data?.object?.metadata?.orderId) ??
    text(event.detail?.orderId) ??
    message.MessageAttributes?.orderId?.StringValue;
  const orderEventType = text(event["detail-type"]);
  const orderEventId = text(event.detail?.id);
  const orderEvent: Pick<ParkedMessage, "orderEventType" | "orderEventId"> = orderEventType ? { orderEventType, ...(orderEventId ? { orderEventId } : {}) } : {};
  return {
    messageId: message.MessageId ?? "",
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
    ...(text(event.id) && !orderEvent.orderEventType ? { stripeEventId: text(event.id)! } : {}),
    ...(text(event.type) ? { stripeEventType: text(event.type)! } : {}),
    ...orderEvent,
    ...(orderId ? { orderId } : {}),
    body,
  };
}

/** Receives up to `max` distinct messages, keeping them hidden until `release` is called. */
async function receiveAll(target: DlqTarget, max: number, visibilityTimeout: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const { Messages = [] } = await target.client.send(
      new ReceiveMessageCommand({
        QueueUrl: target.dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        WaitTimeSeconds: 0,
        VisibilityTimeout: visibilityTimeout,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) if (message.MessageId) seen.set(message.MessageId, message);
  }
  return [...seen.values()];
}

export async function listParked(target: DlqTarget, max = Number.POSITIVE_INFINITY): Promise<ParkedMessage[]> {
  const messages = await receiveAll(target, max, PEEK_VISIBILITY_SECONDS);
  // Give them back at once: listing must not hide them from anyone else.
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await target.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: target.dlqUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return messages.map(describeParkedMessage);
}

/** Moves messages back to the source queue; returns how many moved. */
export async function redriveParked(target: DlqTarget, max = Number.POSITIVE_INFINITY, onMoved?: (message: ParkedMessage) => void): Promise<number> {
  const messages = await receiveAll(target, max, PEEK_VISIBILITY_SECONDS);
  let moved = 0;
  for (const message of messages) {
    // Send first, delete second: a crash in between redrives the message twice, which the
    // worker's idempotent transitions absorb; the other order could lose it.
    await target.client.send(
      new SendMessageCommand({
        QueueUrl: target.queueUrl,
        MessageBody: message.Body ?? "",
        ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
      }),
    );
    await target.client.send(new DeleteMessageCommand({ QueueUrl: target.dlqUrl, ReceiptHandle: message.ReceiptHandle! }));
    moved++;
    onMoved?.(describeParkedMessage(message));
  }
  return moved;
}

/** The queue (and DLQ) `--consumer` names: an order event consumer's, or the order-events queue's. */
export function queueDeclarationFor(consumer: string | undefined): QueueDeclaration {
  if (consumer === undefined || consumer === "orderEvents") return queues.orderEvents;
  const declaration = (eventConsumers as Record<string, QueueDeclaration>)[consumer];
  if (!declaration) throw new Error(`--consumer must be one of ${Object.keys(eventConsumers).join(", ")}; got ${consumer}`);
  return declaration;
}

function localClient(endpoint: string | undefined) {
  const env = loadLocalEnv();
  const url = endpoint ?? `http://127.0.0.1:${portFrom(env, "SQS_PORT", 9324)}`;
  return { url, client: new SQSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }) };
}

async function resolveTarget(values: { "queue-url"?: string; "dlq-url"?: string; endpoint?: string; consumer?: string }): Promise<DlqTarget> {
  if (values["queue-url"] || values["dlq-url"]) {
    if (!values["queue-url"] || !values["dlq-url"]) throw new Error("Give both --queue-url and --dlq-url (or neither, for the local stack).");
    const client = new SQSClient(values.endpoint ? { endpoint: values.endpoint } : {});
    return { client, queueUrl: values["queue-url"], dlqUrl: values["dlq-url"] };
  }
  const declaration = queueDeclarationFor(values.consumer);
  const { url: endpoint, client } = localClient(values.endpoint);
  const urlOf = async (resource: string) => {
    try {
      return (await client.send(new GetQueueUrlCommand({ QueueName: queueNameFor(resource) }))).QueueUrl!;
    } catch (error) {
      throw new Error(`Could not find the local queue ${queueNameFor(resource)} at ${endpoint} (is \`npm run dev\` running?): ${(error as Error).message}`);
    }
  };
  return { client, queueUrl: await urlOf(declaration.resource), dlqUrl: await urlOf(declaration.deadLetter.resource) };
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      max: { type: "string" },
      "queue-url": { type: "string" },
      "dlq-url": { type: "string" },
      endpoint: { type: "string" },
      json: { type: "boolean", default: false },
      consumer: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || (command !== "list" && command !== "redrive")) {
    process.stdout.write(usage);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const max = values.max === undefined ? Number.POSITIVE_INFINITY : Number(values.max);
  if (!(max > 0)) throw new Error(`--max must be a positive number, got ${values.max}`);
  if (command === "list" && values.consumer === "all") {
    // Every local DLQ's depth at a glance (against a stage, the DlqNotEmpty alarms say the same).
    const { client } = localClient(values.endpoint);
    for (const [name, declaration] of [["orderEvents", queues.orderEvents] as const, ...Object.entries(eventConsumers)]) {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queueNameFor(declaration.deadLetter.resource) }));
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
      console.log(`  ${name.padEnd(16)} ${declaration.deadLetter.resource.padEnd(20)} ${Attributes?.ApproximateNumberOfMessages ?? 0} message(s)`);
    }
    return;
  }
  const target = await resolveTarget(values);
  const { Attributes } = await target.client.send(
    new GetQueueAttributesCommand({ QueueUrl: target.dlqUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  const depth = Number(Attributes?.ApproximateNumberOfMessages ?? 0);

  if (command === "list") {
    const parked = await listParked(target, max);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(parked, null, 2)}\n`);
      return;
    }
    console.log(`${target.dlqUrl}: ${depth} message(s) visible`);
    for (const message of parked) {
      console.log(
        `  ${styleText("bold", message.messageId)}  received ${message.receiveCount}×  sent ${message.sentAt}\n` +
          `    ${message.orderEventType ?? message.stripeEventType ?? "not an event"} ${message.orderEventId ?? message.stripeEventId ?? ""} ${message.orderId ? `order ${message.orderId}` : ""}\n` +
          `    ${styleText("gray", message.body.replace(/\s+/g, " ").slice(0, 160))}`,
      );
    }
    if (parked.length > 0) console.log(`\nFix the cause (see docs/operations.md), then: npm run dlq -- redrive${values.consumer ? ` --consumer ${values.consumer}` : ""}`);
    return;
  }
  console.log(`redriving ${Number.isFinite(max) ? `up to ${max} of ` : ""}${depth} message(s) to ${target.queueUrl}`);
  const moved = await redriveParked(target, max, (message) =>
    console.log(`  moved ${message.messageId} ${message.orderEventType ?? message.stripeEventType ?? ""} ${message.orderId ? `order ${message.orderId}` : ""}`),
  );
  console.log(`${moved} message(s) redriven`);
}

// Run only when executed, not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(styleText("red", error instanceof Error ? error.message : String(error)));
    process.exit(1);
  });
}
