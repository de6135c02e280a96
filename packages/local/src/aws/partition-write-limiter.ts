// DynamoDB's per-partition write ceiling, which DynamoDB Local does not enforce. On AWS one
// partition takes about 1,000 write units a second whatever the table's capacity or billing mode;
// a single hot item (one partition key) therefore caps every write aimed at it. This limiter keeps
// a token bucket per table + partition key value, refilled at `writeUnitsPerSecond` (scaled down
// for a small machine: 50 stands for 1,000), and charges each write what AWS charges it: one unit
// per item written, two inside TransactWriteItems (transactional writes cost double), item size
// ignored (the items here are under 1 KB). A request whose items do not all fit is refused whole,
// without charging anything, and answered as DynamoDB answers (throttledAnswer below).
//
// Read capacity is not limited (a partition takes 3,000 read units a second, far above what this
// app reads from one key). BatchWriteItem is refused only when none of its items fits (AWS would
// process the ones that fit and return the rest as UnprocessedItems); the app batches only when seeding.

export interface PartitionWriteLimit {
  /** Write units one partition key takes per second (AWS: 1,000). */
  writeUnitsPerSecond: number;
  /** Units a quiet key may spend at once; defaults to one second's worth. */
  burstUnits?: number;
  /** Hash key attribute of each table, by table name (partition = table + hash key value). */
  hashKeys: Readonly<Record<string, string>>;
}

/** One write a request makes: which partition, and the units it costs. */
export interface PartitionWrite {
  table: string;
  partition: string;
  units: number;
}

type AttributeMap = Record<string, unknown>;

const WRITE_OPERATIONS = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

export function isWriteOperation(operation: string): boolean {
  return WRITE_OPERATIONS.has(operation);
}

/**
 * The partitions a request writes, from its DynamoDB JSON body (one entry per item, in request
 * order, so a refusal can name the item). Tables without a known hash key are not limited.
 */
export function partitionWrites(operation: string, body: unknown, hashKeys: Readonly<Record<string, string>>): (PartitionWrite | undefined)[] {
  const request = (body ?? {}) as AttributeMap;
  const write = (table: unknown, keyOrItem: unknown, units: number): PartitionWrite | undefined => {
    if (typeof table !== "string") return undefined;
    const hashKey = hashKeys[table];
    const value = hashKey === undefined ? undefined : (keyOrItem as AttributeMap | undefined)?.[hashKey];
    return value === undefined ? undefined : { table, partition: JSON.stringify(value), units };
  };
  switch (operation) {
    case "PutItem":
      return [write(request.TableName, request.Item, 1)];
    case "UpdateItem":
    case "DeleteItem":
      return [write(request.TableName, request.Key, 1)];
    case "BatchWriteItem":
      return Object.entries((request.RequestItems ?? {}) as Record<string, AttributeMap[]>).flatMap(([table, entries]) =>
        entries.map((entry) => {
          const put = entry.PutRequest as AttributeMap | undefined;
          const del = entry.DeleteRequest as AttributeMap | undefined;
          return write(table, put?.Item ?? del?.Key, 1);
        }),
      );
    case "TransactWriteItems":
      return ((request.TransactItems ?? []) as AttributeMap[]).map((entry) => {
        const put = entry.Put as AttributeMap | undefined;
        const change = (entry.Update ?? entry.Delete) as AttributeMap | undefined;
        // A ConditionCheck writes nothing.
        if (put) return write(put.TableName, put.Item, 2);
        if (change) return write(change.TableName, change.Key, 2);
        return undefined;
      });
    default:
      return [];
  }
}

export interface PartitionWriteLimiter {
  /**
   * Charges the writes if every partition has the units; otherwise charges nothing and says which
   * writes (by index) were over their partition's rate.
   */
  admit(writes: readonly (PartitionWrite | undefined)[]): { admitted: true } | { admitted: false; throttled: number[] };
}

export function createPartitionWriteLimiter(limit: Pick<PartitionWriteLimit, "writeUnitsPerSecond" | "burstUnits">, now: () => number = () => performance.now()): PartitionWriteLimiter {
  const rate = limit.writeUnitsPerSecond;
  const burst = limit.burstUnits ?? rate;
  if (!(rate > 0) || !(burst > 0)) throw new Error("A partition write limit needs positive writeUnitsPerSecond and burstUnits.");
  const buckets = new Map<string, { tokens: number; at: number }>();
  const bucketOf = (key: string) => {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: burst, at: t };
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * rate);
    bucket.at = t;
    buckets.set(key, bucket);
    return bucket;
  };
  return {
    admit(writes) {
      const need = new Map<string, number>();
      for (const w of writes) if (w) need.set(`${w.table}\u0000${w.partition}`, (need.get(`${w.table}\u0000${w.partition}`) ?? 0) + w.units);
      const over = new Set([...need].filter(([key, units]) => bucketOf(key).tokens < units).map(([key]) => key));
      if (over.size > 0) {
        return { admitted: false, throttled: writes.flatMap((w, i) => (w && over.has(`${w.table}\u0000${w.partition}`) ? [i] : [])) };
      }
      for (const [key, units] of need) bucketOf(key).tokens -= units;
      return { admitted: true };
    },
  };
}

/** What DynamoDB says when a partition is over its throughput (on-demand tables). */
export const HOT_PARTITION_MESSAGE =
  "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html";

/**
 * DynamoDB's answer to a throttled request, as HTTP status and JSON body. A single write (or an
 * all-throttled batch) gets ProvisionedThroughputExceededException with a ThrottlingReasons entry
 * `TableWriteKeyRangeThroughputExceeded` (the hot-partition reason, in either billing mode); the
 * SDK classifies it as throttling and retries with backoff. A transaction is cancelled whole:
 * TransactionCanceledException with `ThrottlingError` on the throttled items and `None` on the
 * others; the SDK does not retry that (the caller must, see core's transactWrite).
 */
export function throttledAnswer(operation: string, writes: readonly (PartitionWrite | undefined)[], throttled: readonly number[], region = "us-east-1"): { status: number; code: string; body: Record<string, unknown> } {
  if (operation === "TransactWriteItems") {
    const codes = writes.map((_, i) => (throttled.includes(i) ? "ThrottlingError" : "None"));
    return {
      status: 400,
      code: "TransactionCanceledException",
      body: {
        __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(", ")}]`,
        CancellationReasons: codes.map((code) => (code === "None" ? { Code: "None" } : { Code: code, Message: HOT_PARTITION_MESSAGE })),
      },
    };
  }
  const tables = [...new Set(throttled.map((i) => writes[i]?.table).filter((t): t is string => t !== undefined))];
  return {
    status: 400,
    code: "ProvisionedThroughputExceededException",
    body: {
      __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
      message: HOT_PARTITION_MESSAGE,
      ThrottlingReasons: tables.map((table) => ({ reason: "TableWriteKeyRangeThroughputExceeded", resource: `arn:aws:dynamodb:${region}:000000000000:table/${table}` })),
    },
  };
}
