// The local SQS: an in-process fauxqs server speaking the AWS JSON protocol of the current
// @aws-sdk/client-sqs, plus creation of the topology's queues (each with its DLQ and redrive
// policy) through the real SQS API, so the local queues behave like the deployed ones. fauxqs
// lacks the dead-letter redrive API; sqs-message-move-tasks.ts serves it in front of fauxqs.
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { QueueDeclaration } from "@shopwave/infra/topology";
import { buildApp } from "fauxqs";
import { urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";
import { INTERNAL_REQUEST_HEADER, installMessageMoveTasks, type InjectableApp } from "./sqs-message-move-tasks";

const log = createLocalLog("sqs");

export interface LocalSqsOptions {
  /** Interface to listen on; defaults to loopback. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface LocalSqs {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export interface CreatedQueue {
  url: string;
  arn: string;
}

type FauxqsApp = ReturnType<typeof buildApp>;
// fauxqs's declaration files do not let TypeScript see Fastify's hook types, so the hooks
// spell out the little they use.
interface HookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  raw: { socket: { destroyed: boolean; writable: boolean } };
}
interface HookReply {
  raw: { destroyed: boolean };
}

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const host = options.host ?? "127.0.0.1";
  // startFauxqs always binds 0.0.0.0; building the app ourselves keeps it on the host asked for.
  const app = buildApp({ logger: false, host: "localhost" });
  let publicOrigin = "";
  let port = 0;
  installQueueUrlTranslation(app, () => ({ publicOrigin, port }));
  installAbandonedReceiveRelease(app);
  installMessageMoveTasks(app as unknown as InjectableApp);

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("fauxqs did not report a TCP address");
  port = address.port;
  publicOrigin = `http://${urlHost(host)}:${port}`;
  log.info(`fauxqs listening at ${publicOrigin}`);

  let stopped: Promise<void> | undefined;
  return {
    endpoint: publicOrigin,
    port,
    stop: () => (stopped ??= app.close().then(() => undefined)),
  };
}

/**
 * fauxqs names queues `http://sqs.<region>.localhost:<port>/<account>/<name>`, a host that
 * does not resolve everywhere (glibc without systemd-resolved: ENOTFOUND). An SDK client whose
 * endpoint comes from AWS_ENDPOINT_URL_SQS (as the handlers' does) sends requests to the queue
 * URL's host, so that URL must be reachable: the server hands out `<endpoint>/<account>/<name>`
 * and maps it back to fauxqs's own form on the way in.
 */
function installQueueUrlTranslation(app: FauxqsApp, current: () => { publicOrigin: string; port: number }): void {
  app.addHook("preHandler", async (request: HookRequest) => {
    const body = request.body as { QueueUrl?: unknown } | undefined;
    if (!isSqsRequest(request) || !body || typeof body.QueueUrl !== "string") return;
    let url: URL;
    try {
      url = new URL(body.QueueUrl);
    } catch {
      return; // fauxqs answers an unparseable URL with its own error
    }
    if (url.hostname.startsWith("sqs.")) return;
    const region = regionFromAuthorization(header(request, "authorization")) ?? "us-east-1";
    body.QueueUrl = `http://sqs.${region}.localhost:${current().port}${url.pathname}`;
  });
  app.addHook("onSend", async (request: HookRequest, _reply: HookReply, payload: unknown) => {
    if (!isSqsRequest(request) || typeof payload !== "string") return payload;
    return payload.replace(/http:\/\/sqs\.[A-Za-z0-9-]+\.localhost(?::\d+)?\//g, `${current().publicOrigin}/`);
  });
}

/**
 * fauxqs keeps serving a long poll whose client has gone (a poller that aborted on stop) and
 * would hand the messages it then dequeues to nobody, hiding them for a whole visibility
 * timeout. Such messages are made visible again at once; their receive count still rises, as a
 * receive on AWS would.
 */
function installAbandonedReceiveRelease(app: FauxqsApp): void {
  app.addHook("onSend", async (request: HookRequest, reply: HookReply, payload: unknown) => {
    if (header(request, "x-amz-target") !== "AmazonSQS.ReceiveMessage" || typeof payload !== "string") return payload;
    if (header(request, INTERNAL_REQUEST_HEADER) !== undefined) return payload; // in-process: no socket to have gone
    // A client's FIN can leave the socket half-closed (not writable) rather than destroyed.
    const socket = request.raw.socket;
    if (!socket.destroyed && socket.writable && !reply.raw.destroyed) return payload;
    const queueUrl = (request.body as { QueueUrl?: string }).QueueUrl;
    const authorization = header(request, "authorization");
    let messages: { ReceiptHandle?: string }[] = [];
    try {
      messages = (JSON.parse(payload) as { Messages?: { ReceiptHandle?: string }[] }).Messages ?? [];
    } catch {
      return payload;
    }
    for (let i = 0; i < messages.length; i += 10) {
      const entries = messages.slice(i, i + 10).map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
      await app
        .inject({
          method: "POST",
          url: "/",
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": "AmazonSQS.ChangeMessageVisibilityBatch",
            ...(authorization ? { authorization } : {}),
          },
          payload: JSON.stringify({ QueueUrl: queueUrl, Entries: entries }),
        })
        .catch(() => undefined); // the server may be closing; then the messages are moot
    }
    return payload;
  });
}

function header(request: HookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isSqsRequest(request: HookRequest): boolean {
  return header(request, "content-type")?.includes("application/x-amz-json-1.0") ?? false;
}

function regionFromAuthorization(header: string | undefined): string | undefined {
  return header?.match(/Credential=\S+?\/\d{8}\/([^/]+)\//)?.[1];
}

/**
 * Creates every declared queue and its dead-letter queue (DLQ first: the main queue's redrive
 * policy names the DLQ's ARN). Idempotent: CreateQueue returns an existing queue with the same
 * attributes. Keys of the result are the logical resource names of both queues.
 */
export async function createQueues(
  client: SQSClient,
  declarations: readonly QueueDeclaration[],
  queueName: (resource: string) => string,
): Promise<Record<string, CreatedQueue>> {
  const created: Record<string, CreatedQueue> = {};
  for (const declaration of declarations) {
    const dlq = await createQueue(client, queueName(declaration.deadLetter.resource), {});
    const main = await createQueue(client, queueName(declaration.resource), {
      VisibilityTimeout: String(declaration.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: declaration.deadLetter.maxReceiveCount,
      }),
    });
    created[declaration.deadLetter.resource] = dlq;
    created[declaration.resource] = main;
  }
  return created;
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<CreatedQueue> {
  const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${name}`);
  return { url, arn };
}
