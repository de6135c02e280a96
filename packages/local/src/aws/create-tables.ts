// Creates the topology's DynamoDB tables (keys, GSIs, TTL, stream) exactly as declared, so the
// local tables and the deployed ones cannot drift apart.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import type { TableDeclaration } from "@shopwave/infra/topology";

const ACTIVE_TIMEOUT_MS = 60_000;

/** Idempotent: a table that already exists is left as it is (only a missing TTL or stream is switched on). */
export async function createTables(
  client: DynamoDBClient,
  declarations: readonly TableDeclaration[],
  tableName: (declaration: TableDeclaration) => string,
): Promise<void> {
  await Promise.all(declarations.map((declaration) => createTable(client, declaration, tableName(declaration))));
}

async function createTable(client: DynamoDBClient, declaration: TableDeclaration, name: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: keySchema(declaration.hashKey, declaration.rangeKey),
        AttributeDefinitions: Object.entries(declaration.attributes).map(
          ([attributeName, type]): AttributeDefinition => ({ AttributeName: attributeName, AttributeType: type }),
        ),
        ...(declaration.globalIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: declaration.globalIndexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema(index.hashKey, index.rangeKey),
                Projection: { ProjectionType: "ALL" },
              })),
            }
          : {}),
        ...(declaration.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: declaration.stream } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw new Error(`Creating table ${name} failed: ${String(error)}`, { cause: error });
  }
  const table = await waitUntilActive(client, name);
  if (declaration.ttlAttribute) await enableTimeToLive(client, name, declaration.ttlAttribute);
  if (declaration.stream && !table.StreamSpecification?.StreamEnabled) {
    await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: declaration.stream } }));
    await waitUntilActive(client, name);
  }
}

/** The ARN of the table's current stream (what a stream event source mapping reads). */
export async function latestStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) throw new Error(`Table ${tableName} has no stream.`);
  return Table.LatestStreamArn;
}

function keySchema(hashKey: string, rangeKey: string | undefined): KeySchemaElement[] {
  return [{ AttributeName: hashKey, KeyType: "HASH" }, ...(rangeKey ? [{ AttributeName: rangeKey, KeyType: "RANGE" as const }] : [])];
}

// DynamoDB Local reports ACTIVE at once, but AWS (and DynamoDB Local with
// -delayTransientStatuses) does not: writes before ACTIVE fail with ResourceNotFoundException.
async function waitUntilActive(client: DynamoDBClient, name: string): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === "ACTIVE");
    if (Table?.TableStatus === "ACTIVE" && indexesActive) return Table;
    if (Date.now() > deadline) throw new Error(`Table ${name} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function enableTimeToLive(client: DynamoDBClient, name: string, attributeName: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if ((status === "ENABLED" || status === "ENABLING") && TimeToLiveDescription?.AttributeName === attributeName) return;
  await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }));
}
