// DynamoDB on-demand billing arithmetic: item sizes and the read/write request units AWS charges
// for a request, from the items' real sizes. DynamoDB Local reports ConsumedCapacity, but not as
// AWS bills it (a transaction's items count once, not twice), so the cost report computes units
// here and shows Local's figure beside them only as a cross-check.
//
// Rules, from the DynamoDB Developer Guide (checked 2026-11-30):
// - item size: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
// - units per operation: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
// - transactions: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling
// - global secondary indexes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations

/** A DynamoDB attribute value in wire or SDK form (binary as base64 text or bytes). */
export type AttributeValue = {
  S?: string;
  N?: string;
  B?: string | Uint8Array;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Record<string, AttributeValue>;
  SS?: string[];
  NS?: string[];
  BS?: (string | Uint8Array)[];
};
export type Item = Record<string, AttributeValue>;

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");
const binaryBytes = (value: string | Uint8Array) => (typeof value === "string" ? Buffer.from(value, "base64").length : value.length);

/** "(1 byte per two significant digits) + (1 byte)", leading and trailing zeroes trimmed. */
export function numberSize(number: string): number {
  const [mantissa = ""] = number.trim().replace(/^[+-]/, "").toLowerCase().split("e");
  const digits = mantissa.replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(digits.length / 2) + 1;
}

/** The size of one value, without its attribute name. */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binaryBytes(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + binaryBytes(b), 0);
  // Lists and maps: 3 bytes of overhead, plus 1 byte per element.
  if (value.L) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M) return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element), 0);
  throw new Error(`Not a DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/** An item's billed size in bytes: attribute names plus values. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

export type ReadConsistency = "eventual" | "strong" | "transactional";
const readFactor: Record<ReadConsistency, number> = { eventual: 0.5, strong: 1, transactional: 2 };
const READ_UNIT = 4096;
const WRITE_UNIT = 1024;

/** GetItem, each item of BatchGetItem or TransactGetItems: its size rounded up to 4 KB (a missing item still costs one unit). */
export function itemReadUnits(sizeBytes: number, consistency: ReadConsistency): number {
  return Math.max(1, Math.ceil(sizeBytes / READ_UNIT)) * readFactor[consistency];
}

/** Query and Scan: the sizes of all items read, summed, then rounded up to 4 KB once. */
export function queryReadUnits(itemSizes: readonly number[], consistency: Exclude<ReadConsistency, "transactional">): number {
  const total = itemSizes.reduce((sum, size) => sum + size, 0);
  return Math.max(1, Math.ceil(total / READ_UNIT)) * readFactor[consistency];
}

/**
 * PutItem, UpdateItem, DeleteItem and each action of BatchWriteItem / TransactWriteItems: the
 * larger of the item before and after, rounded up to 1 KB, at least one unit (also when a
 * condition fails: then the existing item's size counts). Transactional writes cost double.
 */
export function itemWriteUnits(sizes: { before?: number; after?: number }, transactional: boolean): number {
  const size = Math.max(sizes.before ?? 0, sizes.after ?? 0);
  return Math.max(1, Math.ceil(size / WRITE_UNIT)) * (transactional ? 2 : 1);
}

export interface IndexKey {
  name: string;
  hashKey: string;
  rangeKey?: string;
}

const keyOf = (item: Item | undefined, index: IndexKey): string | undefined => {
  if (!item) return undefined;
  const hash = item[index.hashKey];
  const range = index.rangeKey ? item[index.rangeKey] : undefined;
  if (!hash || (index.rangeKey && !range)) return undefined;
  return JSON.stringify([hash, range ?? null]);
};

/**
 * Write units a table write costs in one global secondary index (projection ALL: an entry is the
 * item's size). An item enters or leaves the index when it gains or loses the index's key
 * attributes (a sparse index); a changed key is a delete plus a put; an item that stays in the
 * index with the same key costs one write when it changed, none when it did not.
 */
export function indexWriteUnits(index: IndexKey, before: Item | undefined, after: Item | undefined): number {
  const oldKey = keyOf(before, index);
  const newKey = keyOf(after, index);
  const units = (item: Item) => Math.max(1, Math.ceil(itemSize(item) / WRITE_UNIT));
  if (oldKey === undefined && newKey === undefined) return 0;
  if (oldKey === undefined) return units(after!);
  if (newKey === undefined) return units(before!);
  if (oldKey !== newKey) return units(before!) + units(after!);
  return JSON.stringify(sortedItem(before!)) === JSON.stringify(sortedItem(after!)) ? 0 : units(after!);
}

function sortedItem(item: Item): [string, AttributeValue][] {
  return Object.entries(item).sort(([a], [b]) => a.localeCompare(b));
}
