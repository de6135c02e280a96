import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { tables, type TableDeclaration } from "@shopwave/infra/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTables, latestStreamArn } from "./create-tables";
import { startDynamoDbLocal, type DynamoDbLocal } from "./dynamodb-local";

const nameOf = (declaration: TableDeclaration) => `test-${declaration.resource}`;

describe("createTables on DynamoDB Local", () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let db: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal({ host: "127.0.0.1", port: 0 });
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    db = DynamoDBDocumentClient.from(client);
    await createTables(client, Object.values(tables), nameOf);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it("creates every declared table with its keys, GSIs and on-demand billing, and is idempotent", async () => {
    await createTables(client, Object.values(tables), nameOf); // second run: no error, no change
    const { Table } = await client.send(new DescribeTableCommand({ TableName: nameOf(tables.orders) }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(Table?.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    // Every index the topology declares on the orders table, with its keys, and no other.
    expect(tables.orders.globalIndexes.length).toBeGreaterThanOrEqual(3);
    expect(
      [...(Table?.GlobalSecondaryIndexes ?? [])].sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName))),
    ).toEqual(
      [...tables.orders.globalIndexes]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((index) =>
          expect.objectContaining({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.hashKey, KeyType: "HASH" },
              { AttributeName: index.rangeKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
            IndexStatus: "ACTIVE",
          }),
        ),
    );
    expect(Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === "pendingByExpiry")?.KeySchema).toEqual([
      { AttributeName: "pendingShard", KeyType: "HASH" },
      { AttributeName: "expiresAt", KeyType: "RANGE" },
    ]);
    for (const declaration of Object.values(tables)) {
      const described = await client.send(new DescribeTableCommand({ TableName: nameOf(declaration) }));
      expect(described.Table?.TableStatus).toBe("ACTIVE");
    }
  });

  it("rejects a conditional update whose condition fails", async () => {
    const table = nameOf(tables.products);
    await db.send(new PutCommand({ TableName: table, Item: { id: "p1", stock: 1 } }));
    const decrement = new UpdateCommand({
      TableName: table,
      Key: { id: "p1" },
      UpdateExpression: "SET stock = stock - :q",
      ConditionExpression: "stock >= :q",
      ExpressionAttributeValues: { ":q": 2 },
    });
    await expect(db.send(decrement)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it("cancels a transaction and names the item whose condition failed", async () => {
    const table = nameOf(tables.products);
    await db.send(new PutCommand({ TableName: table, Item: { id: "a", stock: 5 } }));
    await db.send(new PutCommand({ TableName: table, Item: { id: "b", stock: 0 } }));
    const reserve = (id: string) => ({
      Update: {
        TableName: table,
        Key: { id },
        UpdateExpression: "SET stock = stock - :q",
        ConditionExpression: "stock >= :q",
        ExpressionAttributeValues: { ":q": 1 },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
      },
    });
    const error = await db.send(new TransactWriteCommand({ TransactItems: [reserve("a"), reserve("b")] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(["None", "ConditionalCheckFailed"]);
    expect(reasons[1]?.Item?.id).toEqual({ S: "b" });
    // All or nothing: the first item was not decremented.
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: { id: "a" }, ConsistentRead: true }));
    expect(Item?.stock).toBe(5);
  });

  it("queries the sparse orders GSI by shard, oldest expiry first", async () => {
    const table = nameOf(tables.orders);
    await db.send(new PutCommand({ TableName: table, Item: { id: "o1", pendingShard: "3", expiresAt: 300 } }));
    await db.send(new PutCommand({ TableName: table, Item: { id: "o2", pendingShard: "3", expiresAt: 100 } }));
    await db.send(new PutCommand({ TableName: table, Item: { id: "o3", pendingShard: "4", expiresAt: 50 } }));
    await db.send(new PutCommand({ TableName: table, Item: { id: "o4", status: "CONFIRMED" } })); // not in the index
    const { Items } = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: "pendingByExpiry",
        KeyConditionExpression: "pendingShard = :s AND expiresAt <= :now",
        ExpressionAttributeValues: { ":s": "3", ":now": 1_000 },
      }),
    );
    expect(Items?.map((item) => item.id)).toEqual(["o2", "o1"]);
  });

  it("enables TTL on the declared attribute", async () => {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: nameOf(tables.idempotency) }));
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: "ENABLED", AttributeName: "expiration" });
    const products = await client.send(new DescribeTimeToLiveCommand({ TableName: nameOf(tables.products) }));
    expect(products.TimeToLiveDescription?.TimeToLiveStatus).toBe("DISABLED");
  });

  it("creates a declared stream with its view type, and switches one on for a table created without it", async () => {
    const streamed: TableDeclaration = { resource: "Streamed", hashKey: "id", attributes: { id: "S" }, globalIndexes: [], stream: "NEW_AND_OLD_IMAGES" };
    await createTables(client, [streamed], nameOf);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: nameOf(streamed) }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(await latestStreamArn(client, nameOf(streamed))).toBe(Table?.LatestStreamArn);
    expect(Table?.LatestStreamArn).toMatch(/^arn:aws:dynamodb:[^:]+:[^:]+:table\/test-Streamed\/stream\//);

    const later: TableDeclaration = { ...streamed, resource: "StreamedLater" };
    await createTables(client, [{ ...later, stream: undefined }], nameOf);
    await expect(latestStreamArn(client, nameOf(later))).rejects.toThrow(/has no stream/);
    await createTables(client, [later], nameOf);
    const after = await client.send(new DescribeTableCommand({ TableName: nameOf(later) }));
    expect(after.Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
  });
});
