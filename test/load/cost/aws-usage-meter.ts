// Meters what a load run would be billed for on AWS, inside the local stack's process where the
// handlers run as they do on Lambda:
// - every AWS SDK request of every client in the process, per service and operation and per
//   function (one middleware on every client, so services other code adds are counted too);
// - for DynamoDB, the request units AWS would bill (dynamodb-billing.ts), from the real sizes of
//   the items each request touched: the request asks for ReturnConsumedCapacity (DynamoDB Local's
//   own figure, kept only as a cross-check), and the meter reads the touched items before and
//   after each write (and in full after a projected read) straight from DynamoDB Local, on a
//   client of its own that is not metered;
// - every handler invocation (count, billed milliseconds, the memory its Lambda context declares)
//   and the bytes it logs.
// A measuring tool for `npm run load`, never loaded by the app itself.
import { AsyncLocalStorage } from "node:async_hooks";
import { BatchGetItemCommand, DynamoDBClient, QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { Client } from "@smithy/core/client";
import { observeInvocations } from "@shopwave/local/aws/handler-loader";
import { functionNameFor } from "@shopwave/local/aws/lambda-context";
import type { TableDeclaration } from "@shopwave/infra/topology";
import { indexWriteUnits, itemReadUnits, itemSize, itemWriteUnits, queryReadUnits, type Item, type ReadConsistency } from "./dynamodb-billing";

/** Requests made outside any handler: the event source mappings' pollers and the stack itself. */
export const OUTSIDE_FUNCTIONS = "(outside functions: event source pollers)";

export interface FunctionUsage {
  invocations: number;
  /**
   * Wall time of the invocations here, rounded up to the millisecond as Lambda bills. Locally every
   * handler shares one event loop with the others in flight (and with the emulators), so under load
   * this counts other invocations' work too; on Lambda each has its own container.
   */
  contendedMs: number;
  /**
   * Durations (ms) of invocations that ran alone in the process, nothing else in flight, since the
   * stack started (the warm-up purchase, quiet moments): what one invocation takes by itself.
   */
  soloMs: number[];
  memoryMb: number;
  logBytes: number;
}

export interface DynamoDbUsage {
  /** Read and write request units as AWS bills them, per table (and `table/index` for index reads and GSI upkeep). */
  tables: Record<string, { rru: number; wru: number; readRequests: number; writeRequests: number; localReportedUnits: number }>;
  byFunction: Record<string, { rru: number; wru: number; readRequests: number; writeRequests: number }>;
}

export interface AwsUsage {
  functions: Record<string, FunctionUsage>;
  /** service (the SDK's serviceId: DynamoDB, SQS, SESv2, EventBridge, …) → operation → requests. */
  requests: Record<string, Record<string, number>>;
  requestsByFunction: Record<string, Record<string, number>>;
  /** Events in EventBridge PutEvents requests (billed per event, not per request). */
  eventBridgeEvents: number;
  dynamodb: DynamoDbUsage;
  /** Requests the meter could not bill (the last few reasons); they are still counted above. */
  meterErrorCount: number;
  meterErrors: string[];
}

const emptyUsage = (): AwsUsage => ({
  functions: {},
  requests: {},
  requestsByFunction: {},
  eventBridgeEvents: 0,
  dynamodb: { tables: {}, byFunction: {} },
  meterErrorCount: 0,
  meterErrors: [],
});

const scope = new AsyncLocalStorage<{ functionName: string }>();
const currentFunction = () => scope.getStore()?.functionName ?? OUTSIDE_FUNCTIONS;

export interface AwsUsageMeter {
  snapshot(): AwsUsage;
  reset(): void;
}

export interface MeterOptions {
  /** DynamoDB Local itself (not a proxy in front of it): where item images are read. */
  dynamodbEndpoint: string;
  /** Table name → its declaration (key schema and GSIs). */
  tables: Record<string, TableDeclaration>;
}

let installed: AwsUsageMeter | undefined;

/** Once per process: it patches every AWS SDK client and the handlers' invocations. */
export function installAwsUsageMeter(options: MeterOptions): AwsUsageMeter {
  if (installed) throw new Error("The AWS usage meter is already installed in this process.");
  let usage = emptyUsage();
  const state = { options };
  const shadow = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const unmetered = new WeakSet<object>([shadow.middlewareStack]);
  const metered = new WeakSet<object>();
  const images = new ItemImages(shadow, () => state.options.tables);

  // Solo durations outlive a reset: the warm-up purchase before the sale is where most come from.
  const solo = new Map<string, number[]>();
  const fn = (name: string): FunctionUsage =>
    (usage.functions[name] ??= { invocations: 0, contendedMs: 0, soloMs: (solo.get(name) ?? solo.set(name, []).get(name))!, memoryMb: 0, logBytes: 0 });
  let inFlight = 0;
  let startsSeen = 0;
  observeInvocations(async (handlerRef, args, run) => {
    const functionName = functionNameFor(handlerRef);
    const memoryMb = Number((args[1] as { memoryLimitInMB?: string } | undefined)?.memoryLimitInMB ?? 0);
    const alone = inFlight === 0;
    const startMark = ++startsSeen;
    inFlight++;
    const started = performance.now();
    try {
      return await scope.run({ functionName }, run);
    } finally {
      inFlight--;
      const ms = Math.ceil(performance.now() - started);
      const usageOf = fn(functionName);
      usageOf.invocations++;
      usageOf.contendedMs += ms;
      usageOf.memoryMb = memoryMb;
      // Alone from start to end: nothing was in flight when it started and nothing started since.
      if (alone && startsSeen === startMark && inFlight === 0) {
        usageOf.soloMs.push(ms);
        if (usageOf.soloMs.length > 200) usageOf.soloMs.shift();
      }
    }
  });

  // What a handler writes to stdout/stderr is what Lambda sends to CloudWatch Logs.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const name = scope.getStore()?.functionName;
      if (name) fn(name).logBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }

  const count = (service: string, operation: string) => {
    const byService = (usage.requests[service] ??= {});
    byService[operation] = (byService[operation] ?? 0) + 1;
    const byFunction = (usage.requestsByFunction[currentFunction()] ??= {});
    byFunction[`${service}.${operation}`] = (byFunction[`${service}.${operation}`] ?? 0) + 1;
  };
  const dynamo = {
    table: (name: string) => (usage.dynamodb.tables[name] ??= { rru: 0, wru: 0, readRequests: 0, writeRequests: 0, localReportedUnits: 0 }),
    fn: (name: string) => (usage.dynamodb.byFunction[name] ??= { rru: 0, wru: 0, readRequests: 0, writeRequests: 0 }),
  };
  const bill: Biller = {
    failed: (why) => {
      usage.meterErrors.push(why);
      if (usage.meterErrors.length > 20) usage.meterErrors.shift();
      usage.meterErrorCount++;
    },
    read: (table, units) => {
      dynamo.table(table).rru += units;
      dynamo.fn(currentFunction()).rru += units;
    },
    write: (table, units) => {
      dynamo.table(table).wru += units;
      dynamo.fn(currentFunction()).wru += units;
    },
    request: (table, kind) => {
      dynamo.table(table)[kind === "read" ? "readRequests" : "writeRequests"]++;
      dynamo.fn(currentFunction())[kind === "read" ? "readRequests" : "writeRequests"]++;
    },
    localReported: (table, units) => {
      dynamo.table(table).localReportedUnits += units;
    },
  };

  const originalSend = Client.prototype.send;
  Client.prototype.send = function meteredSend(this: Client<never, never, never, never>, ...args: Parameters<typeof originalSend>) {
    const stack = this.middlewareStack as unknown as object;
    if (!unmetered.has(stack) && !metered.has(stack)) {
      metered.add(stack);
      const config = this.config as { serviceId?: string };
      this.middlewareStack.add(
        (next, context) => async (input) => {
          const service = config.serviceId ?? "unknown";
          const operation = String(context.commandName ?? "").replace(/Command$/, "");
          count(service, operation);
          if (service === "EventBridge" && operation === "PutEvents") usage.eventBridgeEvents += entriesIn((input as { request?: { body?: unknown } }).request?.body);
          if (service !== "DynamoDB") return next(input);
          return meterDynamoDbRequest(operation, input as unknown as { request: { body?: unknown; headers: Record<string, string> } }, () => next(input), images, bill);
        },
        { step: "build", priority: "high", name: "shopwaveAwsUsageMeter" },
      );
    }
    return originalSend.apply(this, args) as ReturnType<typeof originalSend>;
  } as typeof originalSend;

  const meter: AwsUsageMeter = {
    snapshot: () => structuredClone(usage),
    reset: () => {
      usage = emptyUsage();
      for (const name of solo.keys()) fn(name).invocations = 0;
    },
  };
  installed = meter;
  return meter;
}

function entriesIn(body: unknown): number {
  try {
    return (JSON.parse(String(body)) as { Entries?: unknown[] }).Entries?.length ?? 1;
  } catch {
    return 1;
  }
}

interface Biller {
  failed(why: string): void;
  read(table: string, units: number): void;
  write(table: string, units: number): void;
  request(table: string, kind: "read" | "write"): void;
  localReported(table: string, units: number): void;
}

type WireRequest = Record<string, unknown>;
interface WriteAction {
  table: string;
  key: Item;
  kind: "put" | "update" | "delete" | "check";
  item?: Item;
}

const READS = new Set(["GetItem", "BatchGetItem", "TransactGetItems", "Query", "Scan"]);
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

async function meterDynamoDbRequest<T>(
  operation: string,
  input: { request: { body?: unknown; headers: Record<string, string> } },
  send: () => Promise<T>,
  images: ItemImages,
  bill: Biller,
): Promise<T> {
  if (!READS.has(operation) && !WRITES.has(operation)) return send();
  const request = input.request;
  let body: WireRequest;
  try {
    const raw = request.body instanceof Uint8Array ? Buffer.from(request.body).toString("utf8") : String(request.body);
    body = JSON.parse(raw) as WireRequest;
    if (!body.ReturnConsumedCapacity) {
      body.ReturnConsumedCapacity = "INDEXES";
      const json = JSON.stringify(body);
      request.body = request.body instanceof Uint8Array ? new TextEncoder().encode(json) : json;
      for (const header of Object.keys(request.headers)) {
        if (header.toLowerCase() === "content-length") request.headers[header] = String(Buffer.byteLength(json));
      }
    }
  } catch {
    return send();
  }
  // Metering must never change what the handler sees: its own failures are counted, not thrown.
  const safely = async (what: () => Promise<void>) => {
    try {
      await what();
    } catch (error) {
      bill.failed(`${operation}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const writes = WRITES.has(operation) ? writeActions(operation, body, images) : [];
  let before = new Map<string, Item>();
  if (writes.length) await safely(async () => void (before = await images.read(writes)));
  let result: T;
  try {
    result = await send();
  } catch (error) {
    // A failed condition still costs the existing item's size; a cancelled transaction is billed
    // as if it had written the items as they are (AWS bills cancelled transactions but does not
    // document how much: this is an upper bound). Other errors (validation, throttling) are free.
    const name = (error as { name?: string }).name;
    if (name === "ConditionalCheckFailedException" || name === "TransactionCanceledException") {
      const transactional = operation === "TransactWriteItems";
      for (const action of writes) {
        bill.request(action.table, "write");
        bill.write(action.table, itemWriteUnits({ before: sizeOf(before.get(images.id(action))) }, transactional));
      }
    }
    throw error;
  }
  const output = (result as { output?: Record<string, unknown> }).output ?? {};
  for (const consumed of [output.ConsumedCapacity].flat()) {
    const c = consumed as { TableName?: string; CapacityUnits?: number } | undefined;
    if (c?.TableName) bill.localReported(c.TableName, c.CapacityUnits ?? 0);
  }

  if (writes.length) {
    await safely(async () => {
      const after = await images.read(writes.filter((w) => w.kind !== "check"));
      const transactional = operation === "TransactWriteItems";
      for (const action of writes) {
        const id = images.id(action);
        const old = before.get(id);
        const next = action.kind === "check" ? old : after.get(id);
        bill.request(action.table, "write");
        bill.write(action.table, itemWriteUnits({ before: sizeOf(old), after: sizeOf(next) }, transactional));
        for (const index of images.declaration(action.table)?.globalIndexes ?? []) {
          const units = indexWriteUnits(index, old, next);
          if (units) bill.write(`${action.table}/${index.name}`, units);
        }
      }
    });
    return result;
  }
  await safely(() => billReads(operation, body, images, bill));
  return result;
}

/**
 * Reads are billed on the whole items read (whatever the projection, before any filter), so the
 * meter reads them again in full on its own client: the handler's output may already be
 * unmarshalled by the document client, and a projection or filter would hide what was read.
 */
async function billReads(operation: string, body: WireRequest, images: ItemImages, bill: Biller): Promise<void> {
  const consistency = (strong: unknown): Exclude<ReadConsistency, "transactional"> => (strong === true ? "strong" : "eventual");
  switch (operation) {
    case "GetItem":
    case "BatchGetItem":
    case "TransactGetItems": {
      const gets: { table: string; key: Item; consistency: ReadConsistency }[] =
        operation === "GetItem"
          ? [{ table: String(body.TableName), key: body.Key as Item, consistency: consistency(body.ConsistentRead) }]
          : operation === "BatchGetItem"
            ? Object.entries(body.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>).flatMap(([table, request]) =>
                request.Keys.map((key) => ({ table, key, consistency: consistency(request.ConsistentRead) })),
              )
            : (body.TransactItems as { Get: { TableName: string; Key: Item } }[]).map(({ Get }) => ({ table: Get.TableName, key: Get.Key, consistency: "transactional" as const }));
      const full = await images.read(gets);
      for (const get of gets) {
        bill.request(get.table, "read");
        bill.read(get.table, itemReadUnits(sizeOf(full.get(images.id(get))), get.consistency));
      }
      return;
    }
    case "Query":
    case "Scan": {
      const table = body.IndexName ? `${String(body.TableName)}/${String(body.IndexName)}` : String(body.TableName);
      const items = await images.readAllMatching(operation, body);
      bill.request(table, "read");
      bill.read(table, queryReadUnits(items.map(itemSize), consistency(body.ConsistentRead)));
      return;
    }
  }
}

const sizeOf = (item: Item | undefined) => (item ? itemSize(item) : 0);

function writeActions(operation: string, body: WireRequest, images: ItemImages): WriteAction[] {
  const keyOf = (table: string, item: Item) => images.keyOf(table, item);
  switch (operation) {
    case "PutItem":
      return [{ table: String(body.TableName), key: keyOf(String(body.TableName), body.Item as Item), kind: "put", item: body.Item as Item }];
    case "UpdateItem":
      return [{ table: String(body.TableName), key: body.Key as Item, kind: "update" }];
    case "DeleteItem":
      return [{ table: String(body.TableName), key: body.Key as Item, kind: "delete" }];
    case "BatchWriteItem":
      return Object.entries(body.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>).flatMap(([table, requests]) =>
        requests.map((r): WriteAction => (r.PutRequest ? { table, key: keyOf(table, r.PutRequest.Item), kind: "put", item: r.PutRequest.Item } : { table, key: r.DeleteRequest!.Key, kind: "delete" })),
      );
    case "TransactWriteItems":
      return (body.TransactItems as Record<string, { TableName: string; Key?: Item; Item?: Item }>[]).map((action): WriteAction => {
        const [kind, detail] = Object.entries(action)[0]!;
        const table = detail.TableName;
        if (kind === "Put") return { table, key: keyOf(table, detail.Item!), kind: "put", item: detail.Item! };
        return { table, key: detail.Key!, kind: kind === "Update" ? "update" : kind === "Delete" ? "delete" : "check" };
      });
    default:
      return [];
  }
}

/** Whole items as DynamoDB Local holds them, read on the meter's own (unmetered) client. */
class ItemImages {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: () => Record<string, TableDeclaration>,
  ) {}

  declaration(table: string): TableDeclaration | undefined {
    return this.tables()[table];
  }

  keyOf(table: string, item: Item): Item {
    const declaration = this.declaration(table);
    if (!declaration) return item;
    const key: Item = { [declaration.hashKey]: item[declaration.hashKey]! };
    if (declaration.rangeKey) key[declaration.rangeKey] = item[declaration.rangeKey]!;
    return key;
  }

  id({ table, key }: { table: string; key: Item }): string {
    return `${table}|${JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)))}`;
  }

  async read(targets: readonly { table: string; key: Item }[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const pending = new Map<string, { table: string; key: Item }>();
    for (const target of targets) pending.set(this.id(target), target);
    const all = [...pending.values()];
    for (let start = 0; start < all.length; start += 100) {
      let requestItems: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = {};
      for (const { table, key } of all.slice(start, start + 100)) (requestItems[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
      for (let attempt = 0; attempt < 10 && Object.keys(requestItems).length; attempt++) {
        const answer = await this.client.send(new BatchGetItemCommand({ RequestItems: requestItems as never }));
        for (const [table, items] of Object.entries(answer.Responses ?? {})) {
          for (const item of items as Item[]) found.set(this.id({ table, key: this.keyOf(table, item) }), item);
        }
        requestItems = (answer.UnprocessedKeys ?? {}) as typeof requestItems;
      }
    }
    return found;
  }

  /** The items a Query or Scan read, in full: the same request without filter, projection or count. */
  async readAllMatching(operation: "Query" | "Scan", body: WireRequest): Promise<Item[]> {
    const { ProjectionExpression, FilterExpression, Select, AttributesToGet, QueryFilter, ScanFilter, ReturnConsumedCapacity, ...rest } = body;
    void [ProjectionExpression, FilterExpression, Select, AttributesToGet, QueryFilter, ScanFilter, ReturnConsumedCapacity];
    const used = String(rest.KeyConditionExpression ?? "");
    const keep = <V>(values: unknown) =>
      values ? Object.fromEntries(Object.entries(values as Record<string, V>).filter(([token]) => used.includes(token))) : undefined;
    const names = keep<string>(rest.ExpressionAttributeNames);
    const values = keep<unknown>(rest.ExpressionAttributeValues);
    const request = {
      ...rest,
      ExpressionAttributeNames: names && Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: values && Object.keys(values).length ? values : undefined,
    };
    const answer =
      operation === "Query"
        ? await this.client.send(new QueryCommand(request as unknown as QueryCommandInput))
        : await this.client.send(new ScanCommand(request as unknown as ScanCommandInput));
    return (answer.Items ?? []) as Item[];
  }
}
