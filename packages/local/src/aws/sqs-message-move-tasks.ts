// SQS's dead-letter redrive API (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask)
// for the local SQS, which fauxqs does not implement. It is served in front of fauxqs on the same
// endpoint and carried out through fauxqs's own SQS actions (receive, send, delete), as AWS
// describes the task: it moves the messages the dead-letter queue held when it started (the
// approximate count), in order, at an optional rate, to an explicit destination or else back to
// the queue whose redrive policy names the dead-letter queue. One active task per source queue;
// finished tasks stay listed, newest first. A moved message is a new message at its destination
// (new id, receive count 0), its body and message attributes unchanged.
import { randomUUID } from "node:crypto";

/** The part of a Fastify app this module uses (fauxqs's declarations hide Fastify's own types). */
export interface InjectableApp {
  addHook(name: "preHandler", hook: (request: HookRequest, reply: HookReply) => Promise<unknown>): unknown;
  inject(options: { method: "POST"; url: string; headers: Record<string, string>; payload: string }): Promise<{ statusCode: number; payload: string }>;
}

interface HookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}
interface HookReply {
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(payload: string): HookReply;
}

type TaskStatus = "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";

interface MoveTask {
  taskHandle: string;
  sourceArn: string;
  destinationArn: string | undefined;
  maxNumberOfMessagesPerSecond: number | undefined;
  status: TaskStatus;
  moved: number;
  toMove: number;
  startedTimestamp: number;
  failureReason: string | undefined;
}

class SqsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode = code,
  ) {
    super(message);
  }
}

/**
 * Marks the requests a task makes to fauxqs in-process: they have no client socket, so the
 * abandoned-receive release (sqs-local.ts) must not take them for a vanished long poll.
 */
export const INTERNAL_REQUEST_HEADER = "x-shopwave-internal";

const handled = new Set(["AmazonSQS.StartMessageMoveTask", "AmazonSQS.ListMessageMoveTasks", "AmazonSQS.CancelMessageMoveTask"]);
/** How long a task's receive holds a message before it is sent on (it is deleted right after). */
const MOVE_HOLD_SECONDS = 30;

export function installMessageMoveTasks(app: InjectableApp): { idle(): Promise<void> } {
  const tasks: MoveTask[] = [];
  const running = new Set<Promise<void>>();

  app.addHook("preHandler", async (request, reply) => {
    const target = header(request, "x-amz-target");
    if (!target || !handled.has(target)) return;
    const authorization = header(request, "authorization") ?? "";
    const body = (request.body ?? {}) as Record<string, unknown>;
    let answer: unknown;
    try {
      if (target === "AmazonSQS.StartMessageMoveTask") answer = await start(body, authorization);
      else if (target === "AmazonSQS.ListMessageMoveTasks") answer = list(body);
      else answer = cancel(body);
      reply.code(200).header("content-type", "application/x-amz-json-1.0").send(JSON.stringify(answer));
    } catch (error) {
      if (!(error instanceof SqsApiError)) throw error;
      reply
        .code(400)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-query-error", `AWS.SimpleQueueService.${error.queryCode};Sender`)
        .send(JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }));
    }
    return reply;
  });

  async function call<T>(authorization: string, action: string, body: Record<string, unknown>): Promise<T> {
    const response = await app.inject({
      method: "POST",
      url: "/",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `AmazonSQS.${action}`,
        [INTERNAL_REQUEST_HEADER]: "message-move-task",
        ...(authorization ? { authorization } : {}),
      },
      payload: JSON.stringify(body),
    });
    const parsed = JSON.parse(response.payload || "{}") as T & { __type?: string; message?: string };
    if (response.statusCode !== 200) {
      const code = parsed.__type?.split("#")[1] ?? "InternalError";
      throw new SqsApiError(code, parsed.message ?? `${action} failed`);
    }
    return parsed;
  }

  async function queueUrlOf(authorization: string, arn: string): Promise<string> {
    const parts = arn.split(":");
    if (parts.length !== 6 || parts[0] !== "arn" || parts[2] !== "sqs") throw new SqsApiError("InvalidParameterValue", `Value ${arn} for parameter SourceArn is invalid. Reason: not a queue ARN.`);
    const { QueueUrl } = await call<{ QueueUrl: string }>(authorization, "GetQueueUrl", { QueueName: parts[5], QueueOwnerAWSAccountId: parts[4] });
    return QueueUrl;
  }

  /** The queues whose redrive policy parks their failures in `dlqArn`. */
  async function sourcesOf(authorization: string, dlqArn: string): Promise<string[]> {
    const { QueueUrls = [] } = await call<{ QueueUrls?: string[] }>(authorization, "ListQueues", {});
    const sources: string[] = [];
    for (const url of QueueUrls) {
      const { Attributes = {} } = await call<{ Attributes?: Record<string, string> }>(authorization, "GetQueueAttributes", { QueueUrl: url, AttributeNames: ["RedrivePolicy", "QueueArn"] });
      if (Attributes.RedrivePolicy && (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn === dlqArn) sources.push(Attributes.QueueArn!);
    }
    return sources;
  }

  async function start(body: Record<string, unknown>, authorization: string): Promise<{ TaskHandle: string }> {
    const sourceArn = body.SourceArn;
    if (typeof sourceArn !== "string") throw new SqsApiError("MissingParameter", "The request must contain the parameter SourceArn.");
    const destinationArn = typeof body.DestinationArn === "string" ? body.DestinationArn : undefined;
    const rate = typeof body.MaxNumberOfMessagesPerSecond === "number" ? body.MaxNumberOfMessagesPerSecond : undefined;
    if (rate !== undefined && (rate < 1 || rate > 500 || !Number.isInteger(rate))) {
      throw new SqsApiError("InvalidParameterValue", "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.");
    }
    const sourceUrl = await queueUrlOf(authorization, sourceArn);
    const sources = await sourcesOf(authorization, sourceArn);
    if (sources.length === 0) throw new SqsApiError("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.");
    // AWS remembers each message's own source; this emulator knows only the redrive policies.
    const destination = destinationArn ?? (sources.length === 1 ? sources[0]! : undefined);
    if (!destination) throw new SqsApiError("InvalidParameterValue", "The local SQS needs a DestinationArn when several queues share this dead-letter queue.");
    const destinationUrl = await queueUrlOf(authorization, destination);
    if (tasks.some((task) => task.sourceArn === sourceArn && (task.status === "RUNNING" || task.status === "CANCELLING"))) {
      throw new SqsApiError("UnsupportedOperation", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
    }
    const { Attributes = {} } = await call<{ Attributes?: Record<string, string> }>(authorization, "GetQueueAttributes", { QueueUrl: sourceUrl, AttributeNames: ["ApproximateNumberOfMessages"] });
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString("base64"),
      sourceArn,
      destinationArn,
      maxNumberOfMessagesPerSecond: rate,
      status: "RUNNING",
      moved: 0,
      toMove: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      startedTimestamp: Date.now(),
      failureReason: undefined,
    };
    tasks.unshift(task);
    const run = move(task, authorization, sourceUrl, destinationUrl).finally(() => running.delete(run));
    running.add(run);
    return { TaskHandle: task.taskHandle };
  }

  async function move(task: MoveTask, authorization: string, sourceUrl: string, destinationUrl: string): Promise<void> {
    try {
      while (task.status === "RUNNING" && task.moved < task.toMove) {
        const batchSize = Math.min(10, task.toMove - task.moved, task.maxNumberOfMessagesPerSecond ?? 10);
        const { Messages = [] } = await call<{ Messages?: { MessageId: string; ReceiptHandle: string; Body: string; MessageAttributes?: Record<string, unknown> }[] }>(
          authorization,
          "ReceiveMessage",
          { QueueUrl: sourceUrl, MaxNumberOfMessages: batchSize, VisibilityTimeout: MOVE_HOLD_SECONDS, WaitTimeSeconds: 0, MessageAttributeNames: ["All"] },
        );
        if (Messages.length === 0) break;
        const batchStarted = Date.now();
        await call(authorization, "SendMessageBatch", {
          QueueUrl: destinationUrl,
          Entries: Messages.map((message, index) => ({ Id: `m${index}`, MessageBody: message.Body, ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}) })),
        });
        await call(authorization, "DeleteMessageBatch", { QueueUrl: sourceUrl, Entries: Messages.map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle })) });
        task.moved += Messages.length;
        if (task.maxNumberOfMessagesPerSecond) {
          const wait = (Messages.length / task.maxNumberOfMessagesPerSecond) * 1000 - (Date.now() - batchStarted);
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
      task.status = task.status === "CANCELLING" ? "CANCELLED" : "COMPLETED";
    } catch (error) {
      task.status = "FAILED";
      task.failureReason = error instanceof Error ? error.message : String(error);
    }
  }

  function list(body: Record<string, unknown>) {
    const sourceArn = body.SourceArn;
    if (typeof sourceArn !== "string") throw new SqsApiError("MissingParameter", "The request must contain the parameter SourceArn.");
    const max = typeof body.MaxResults === "number" ? body.MaxResults : 1;
    if (max < 1 || max > 10) throw new SqsApiError("InvalidParameterValue", "Value for parameter MaxResults is invalid. Reason: Must be between 1 and 10.");
    return {
      Results: tasks
        .filter((task) => task.sourceArn === sourceArn)
        .slice(0, max)
        .map((task) => ({
          // AWS returns the handle of a running task only (it is what CancelMessageMoveTask takes).
          ...(task.status === "RUNNING" ? { TaskHandle: task.taskHandle } : {}),
          Status: task.status,
          SourceArn: task.sourceArn,
          ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
          ...(task.maxNumberOfMessagesPerSecond ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond } : {}),
          ApproximateNumberOfMessagesMoved: task.moved,
          ApproximateNumberOfMessagesToMove: task.toMove,
          ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
          StartedTimestamp: task.startedTimestamp,
        })),
    };
  }

  function cancel(body: Record<string, unknown>) {
    const task = tasks.find((candidate) => candidate.taskHandle === body.TaskHandle);
    if (!task) throw new SqsApiError("ResourceNotFoundException", "The resource that you specified for the TaskHandle parameter does not exist.", "ResourceNotFoundException");
    if (task.status !== "RUNNING") throw new SqsApiError("UnsupportedOperation", "Only active tasks can be cancelled.");
    task.status = "CANCELLING";
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  return {
    /** Resolves when no task is moving messages (tests and shutdown wait on it). */
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

function header(request: HookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
