import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { queues, type QueueDeclaration } from "@shopwave/infra/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueues, startLocalSqs, type CreatedQueue, type LocalSqs } from "./sqs-local";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const declaration = (resource: string, visibilityTimeoutSeconds: number, maxReceiveCount: number): QueueDeclaration => ({
  ...queues.orderEvents,
  resource,
  visibilityTimeoutSeconds,
  deadLetter: { resource: `${resource}Dlq`, maxReceiveCount },
});

describe("local SQS (fauxqs)", () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let created: Record<string, CreatedQueue>;
  const queue = (resource: string) => {
    const q = created[resource];
    if (!q) throw new Error(`no queue ${resource}`);
    return q;
  };
  const receive = async (url: string, waitTimeSeconds = 0): Promise<Message[]> =>
    (
      await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      )
    ).Messages ?? [];

  beforeAll(async () => {
    sqs = await startLocalSqs({ host: "127.0.0.1", port: 0 });
    client = new SQSClient({ endpoint: sqs.endpoint, region: "us-east-1", credentials });
    created = await createQueues(client, [queues.orderEvents, declaration("Redrive", 1, 2), declaration("Poll", 30, 5)], (r) => `test-${r}`);
  });

  afterAll(async () => {
    client?.destroy();
    await sqs?.stop();
  });

  it("creates each queue and its DLQ with the declared visibility timeout and redrive policy", async () => {
    const main = queue(queues.orderEvents.resource);
    const dlq = queue(queues.orderEvents.deadLetter.resource);
    expect(main.url).toBe(`${sqs.endpoint}/000000000000/test-OrderEventsQueue`);
    expect(main.arn).toBe("arn:aws:sqs:us-east-1:000000000000:test-OrderEventsQueue");
    expect(dlq.arn).toBe("arn:aws:sqs:us-east-1:000000000000:test-OrderEventsDlq");
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: main.url, AttributeNames: ["All"] }));
    expect(Attributes?.VisibilityTimeout).toBe("60");
    expect(JSON.parse(Attributes?.RedrivePolicy ?? "{}")).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 });
    // Idempotent.
    await expect(createQueues(client, [queues.orderEvents], (r) => `test-${r}`)).resolves.toEqual({
      [queues.orderEvents.resource]: main,
      [queues.orderEvents.deadLetter.resource]: dlq,
    });
  });

  it("serves queue URLs that a client configured only through AWS_ENDPOINT_URL_SQS can reach", async () => {
    const previous = process.env.AWS_ENDPOINT_URL_SQS;
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
    // Such a client sends to the queue URL's host, which must therefore resolve.
    const envClient = new SQSClient({ region: "us-east-1", credentials });
    try {
      const url = queue("Poll").url;
      await envClient.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "via env" }));
      const [message] = await receive(url);
      expect(message?.Body).toBe("via env");
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 }));
      const again = await receive(url);
      expect(again.map((m) => m.Body)).toEqual(["via env"]);
      await envClient.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again[0]?.ReceiptHandle }));
    } finally {
      envClient.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
      else process.env.AWS_ENDPOINT_URL_SQS = previous;
    }
  });

  it("hides received messages for the visibility timeout, counts receives and redrives to the DLQ after maxReceiveCount", async () => {
    const { url } = queue("Redrive");
    await client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "poison",
        MessageAttributes: { kind: { DataType: "String", StringValue: "test" } },
      }),
    );
    const first = await receive(url);
    expect(first).toHaveLength(1);
    expect(first[0]?.Attributes).toMatchObject({ ApproximateReceiveCount: "1", SenderId: expect.any(String) });
    expect(first[0]?.MessageAttributes?.kind).toMatchObject({ DataType: "String", StringValue: "test" });
    expect(await receive(url)).toHaveLength(0); // invisible

    const second = await receive(url, 5); // reappears after the 1 s visibility timeout
    expect(second[0]?.Attributes?.ApproximateReceiveCount).toBe("2");
    expect(second[0]?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(first[0]?.Attributes?.ApproximateFirstReceiveTimestamp);

    // Third receive attempt exceeds maxReceiveCount 2: the message goes to the DLQ instead.
    expect(await receive(url, 3)).toHaveLength(0);
    const dead = await receive(queue("RedriveDlq").url, 2);
    expect(dead.map((m) => m.Body)).toEqual(["poison"]);
    expect(dead[0]?.MessageId).toBe(first[0]?.MessageId);
  });

  it("long-polls until a message arrives and honours ChangeMessageVisibility", async () => {
    const { url } = queue("Poll");
    const polling = receive(url, 10);
    setTimeout(() => void client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "late" })), 300);
    const [message] = await polling;
    expect(message?.Body).toBe("late");
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 1 }));
    expect(await receive(url)).toHaveLength(0);
    const again = await receive(url, 5);
    expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([["late", "2"]]);
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again[0]?.ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await receive(url)).map((m) => m.Body)).toEqual(["late"]);
  });

  it("returns at once the messages an aborted long poll would have swallowed", async () => {
    const declarationForTest = declaration("Abort", 30, 5);
    const { Abort } = await createQueues(client, [declarationForTest], (r) => `test-${r}`);
    const url = Abort!.url;
    const abort = new AbortController();
    const aborted = client
      .send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }), { abortSignal: abort.signal })
      .catch((error: Error) => error.name);
    setTimeout(() => abort.abort(), 200);
    expect(await aborted).toBe("AbortError");
    // The server still holds the abandoned poll, which takes this message...
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "not lost" }));
    // ...and hands it back instead of hiding it for the 30 s visibility timeout.
    const messages = await receive(url, 5);
    expect(messages.map((m) => m.Body)).toEqual(["not lost"]);
  });
});
