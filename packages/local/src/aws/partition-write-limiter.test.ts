// The partition write limit: the token arithmetic on a fake clock, and, through the proxy in front
// of DynamoDB Local, that over-limit writes are answered exactly as DynamoDB throttles (status,
// headers, body), that the real SDK classifies them as DynamoDB's own exceptions, retries the
// single writes itself and leaves a cancelled transaction to the caller, and that nothing refused
// was written.
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { startDynamoDbFaultProxy, type DynamoDbFaultProxy } from "./dynamodb-fault-proxy";
import { createPartitionWriteLimiter, partitionWrites, type PartitionWrite } from "./partition-write-limiter";

describe("createPartitionWriteLimiter", () => {
  const write = (partition: string, units = 1): PartitionWrite => ({ table: "t", partition, units });

  it("lets a key spend its burst, refuses the next write without charging it, and refills at the rate", () => {
    let t = 0;
    const limiter = createPartitionWriteLimiter({ writeUnitsPerSecond: 10, burstUnits: 3 }, () => t);
    expect([1, 2, 3].map(() => limiter.admit([write("a")]).admitted)).toEqual([true, true, true]);
    expect(limiter.admit([write("a")])).toEqual({ admitted: false, throttled: [0] });
    // Other keys have their own partitions.
    expect(limiter.admit([write("b")]).admitted).toBe(true);
    t = 100; // one unit back
    expect(limiter.admit([write("a")]).admitted).toBe(true);
    expect(limiter.admit([write("a")]).admitted).toBe(false);
    t = 10_000; // never more than the burst
    expect([1, 2, 3, 4].map(() => limiter.admit([write("a")]).admitted)).toEqual([true, true, true, false]);
  });

  it("refuses a request whole when one of its items is over, naming the items on that partition", () => {
    const t = 0;
    const limiter = createPartitionWriteLimiter({ writeUnitsPerSecond: 4 }, () => t);
    expect(limiter.admit([write("hot", 2), write("cold", 2)]).admitted).toBe(true);
    expect(limiter.admit([write("hot", 2), undefined, write("cold", 2), write("cold", 2)])).toEqual({ admitted: false, throttled: [2, 3] });
    // The refused request charged nothing: "hot" still has its 2 units.
    expect(limiter.admit([write("hot", 2)]).admitted).toBe(true);
  });
});

describe("partitionWrites", () => {
  const hashKeys = { products: "id", orders: "id" };
  it("finds the partition key of every item written, transactional items at two units", () => {
    expect(partitionWrites("UpdateItem", { TableName: "products", Key: { id: { S: "a" } } }, hashKeys)).toEqual([{ table: "products", partition: '{"S":"a"}', units: 1 }]);
    expect(partitionWrites("PutItem", { TableName: "orders", Item: { id: { S: "o" }, x: { N: "1" } } }, hashKeys)).toEqual([{ table: "orders", partition: '{"S":"o"}', units: 1 }]);
    expect(
      partitionWrites(
        "TransactWriteItems",
        {
          TransactItems: [
            { Update: { TableName: "products", Key: { id: { S: "a" } } } },
            { ConditionCheck: { TableName: "products", Key: { id: { S: "b" } } } },
            { Put: { TableName: "orders", Item: { id: { S: "o" } } } },
            { Delete: { TableName: "unknown", Key: { id: { S: "z" } } } },
          ],
        },
        hashKeys,
      ),
    ).toEqual([{ table: "products", partition: '{"S":"a"}', units: 2 }, undefined, { table: "orders", partition: '{"S":"o"}', units: 2 }, undefined]);
    expect(partitionWrites("BatchWriteItem", { RequestItems: { products: [{ PutRequest: { Item: { id: { S: "a" } } } }, { DeleteRequest: { Key: { id: { S: "b" } } } }] } }, hashKeys)).toHaveLength(2);
    expect(partitionWrites("GetItem", { TableName: "products", Key: { id: { S: "a" } } }, hashKeys)).toEqual([]);
  });
});

describe("the partition write limit in front of DynamoDB Local", () => {
  let u: UnitStore;
  let proxy: DynamoDbFaultProxy;
  const clients: DynamoDBClient[] = [];
  const documentClient = (maxAttempts: number) => {
    const client = new DynamoDBClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts });
    clients.push(client);
    return DynamoDBDocumentClient.from(client);
  };

  beforeAll(async () => {
    u = await createUnitStore();
    proxy = await startDynamoDbFaultProxy({
      target: u.handlerEnv.AWS_ENDPOINT_URL_DYNAMODB!,
      // One unit a second and no burst beyond it: the second write to a key within a second is over.
      partitionWriteLimit: { writeUnitsPerSecond: 1, burstUnits: 1, hashKeys: { [u.store.tables.products]: "id" } },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await proxy?.stop();
    await u?.destroy();
  });

  // DynamoDB Local wants an Authorization header but does not check the signature.
  const authorization = "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x";
  const raw = (operation: string, body: unknown, endpoint = proxy.endpoint) =>
    fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${operation}`, authorization },
      body: JSON.stringify(body),
    });

  it("answers an over-limit write with HTTP 400 ProvisionedThroughputExceededException and the hot-key reason", async () => {
    const product = testProduct({ stock: 5 });
    await u.putProduct(product);
    const update = { TableName: u.store.tables.products, Key: { id: { S: product.id } }, UpdateExpression: "SET stock = stock - :one", ExpressionAttributeValues: { ":one": { N: "1" } } };
    expect((await raw("UpdateItem", update)).status).toBe(200);
    const refused = await raw("UpdateItem", update);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(refused.headers.get("x-amzn-errortype")).toBe("ProvisionedThroughputExceededException");
    expect(await refused.json()).toEqual({
      __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
      message: expect.stringMatching(/^Throughput exceeds the current capacity of your table or index\..*hot key/),
      ThrottlingReasons: [{ reason: "TableWriteKeyRangeThroughputExceeded", resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${u.store.tables.products}` }],
    });
    // The refused write was not applied; reads are never limited.
    expect(await u.stockOf(product.id)).toBe(4);
    expect((await raw("GetItem", { TableName: u.store.tables.products, Key: { id: { S: product.id } } })).status).toBe(200);
  });

  it("is read by the SDK as DynamoDB's own exception, and a single write is retried by the SDK until it fits", async () => {
    const product = testProduct({ stock: 5 });
    await u.putProduct(product);
    const take = new UpdateCommand({ TableName: u.store.tables.products, Key: { id: product.id }, UpdateExpression: "SET stock = stock - :one", ExpressionAttributeValues: { ":one": 1 } });
    const noRetries = documentClient(1);
    await noRetries.send(take);
    const error = await noRetries.send(take).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((error as ProvisionedThroughputExceededException).ThrottlingReasons).toEqual([expect.objectContaining({ reason: "TableWriteKeyRangeThroughputExceeded" })]);
    expect((error as ProvisionedThroughputExceededException).$metadata.httpStatusCode).toBe(400);

    const before = proxy.throttledWrites.UpdateItem ?? 0;
    const retrying = documentClient(10);
    const answer = await retrying.send(take);
    // Throttled at least once (the bucket was empty), then the SDK's own backoff got it through.
    expect(answer.$metadata.attempts).toBeGreaterThan(1);
    expect(proxy.throttledWrites.UpdateItem).toBeGreaterThan(before);
    expect(await u.stockOf(product.id)).toBe(3);
  });

  it("cancels an over-limit transaction whole, ThrottlingError on the hot item, shaped as DynamoDB Local's own cancellations", async () => {
    const hot = testProduct({ stock: 5 });
    const cold = testProduct({ stock: 5 });
    await u.putProduct(hot);
    await u.putProduct(cold);
    const db = documentClient(1);
    const take = (id: string) => ({ Update: { TableName: u.store.tables.products, Key: { id }, UpdateExpression: "SET stock = stock - :one", ExpressionAttributeValues: { ":one": 1 } } });
    // Transactional writes cost two units: a one-unit partition cannot take even the first.
    const error = await db.send(new TransactWriteCommand({ TransactItems: [take(cold.id), take(hot.id)] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    // The SDK does not retry a cancellation: it is the caller's (core's transactWrite resends these).
    expect((error as TransactionCanceledException).$metadata.attempts).toBe(1);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: "ThrottlingError", Message: expect.stringMatching(/hot key/) },
      { Code: "ThrottlingError", Message: expect.stringMatching(/hot key/) },
    ]);
    expect([await u.stockOf(cold.id), await u.stockOf(hot.id)]).toEqual([5, 5]);

    // The same body keys as a cancellation DynamoDB Local itself sends (here: a failed condition).
    const direct = await raw(
      "TransactWriteItems",
      { TransactItems: [{ ConditionCheck: { TableName: u.store.tables.products, Key: { id: { S: "missing" } }, ConditionExpression: "attribute_exists(id)" } }] },
      u.handlerEnv.AWS_ENDPOINT_URL_DYNAMODB!,
    );
    const ours = await raw("TransactWriteItems", { TransactItems: [{ Update: { TableName: u.store.tables.products, Key: { id: { S: hot.id } }, UpdateExpression: "SET stock = stock - :one", ExpressionAttributeValues: { ":one": { N: "1" } } } }] });
    expect([direct.status, ours.status]).toEqual([400, 400]);
    const [theirs, mine] = [(await direct.json()) as Record<string, unknown>, (await ours.json()) as Record<string, unknown>];
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    expect(mine.__type).toBe(theirs.__type);
    expect(String(mine.Message)).toBe("Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError]");
    expect(String(theirs.Message)).toMatch(/^Transaction cancelled, please refer cancellation reasons for specific reasons \[ConditionalCheckFailed\]$/);
  });
});
