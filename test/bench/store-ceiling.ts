// The local DynamoDB stand-in's raw ceiling for the write a flash sale is made of: a conditional
// update of one item (`stock >= 1` then decrement), sequentially and with N writers at once, on a
// scratch table of its own. The end-to-end order rate is compared against this.
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { performance } from "node:perf_hooks";
import { summarize, type LatencySummary } from "../load/latency-summary";

export interface CeilingResult {
  concurrency: number;
  operations: number;
  opsPerSecond: number;
  latency: LatencySummary;
}

export async function measureConditionalUpdateCeiling(
  client: DynamoDBClient,
  runs: readonly { concurrency: number; durationMs: number }[],
): Promise<CeilingResult[]> {
  const db = DynamoDBDocumentClient.from(client);
  const table = `shopwave-bench-ceiling-${Date.now()}`;
  await client.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  try {
    await db.send(new PutCommand({ TableName: table, Item: { id: "item", stock: 1_000_000_000 } }));
    const update = new UpdateCommand({
      TableName: table,
      Key: { id: "item" },
      UpdateExpression: "SET stock = stock - :one",
      ConditionExpression: "attribute_exists(id) AND stock >= :one",
      ExpressionAttributeValues: { ":one": 1 },
    });
    // Warm the connection pool and the JVM's paths before measuring.
    await Promise.all(Array.from({ length: 64 }, () => db.send(update)));
    const results: CeilingResult[] = [];
    for (const run of runs) {
      const latencies: number[] = [];
      const started = performance.now();
      const deadline = started + run.durationMs;
      await Promise.all(
        Array.from({ length: run.concurrency }, async () => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            await db.send(update);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      results.push({
        concurrency: run.concurrency,
        operations: latencies.length,
        opsPerSecond: Math.round(latencies.length / seconds),
        latency: summarize(latencies),
      });
    }
    return results;
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  }
}
