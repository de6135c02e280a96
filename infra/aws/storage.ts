// The DynamoDB tables, exactly as infra/topology.ts declares them (the local stack creates the
// same ones): on-demand capacity, GSIs, TTL. Production tables also get deletion protection and
// point-in-time recovery; a developer's stage is disposable.
import { tables, type AttributeType, type TableDeclaration } from "../topology";

const fieldType: Record<AttributeType, "string" | "number"> = { S: "string", N: "number" };
const streamView = {
  NEW_AND_OLD_IMAGES: "new-and-old-images",
  NEW_IMAGE: "new-image",
  OLD_IMAGE: "old-image",
  KEYS_ONLY: "keys-only",
} as const satisfies Record<NonNullable<TableDeclaration["stream"]>, string>;

export function createTables(options: { production: boolean }): Record<string, sst.aws.Dynamo> {
  const declarations: readonly TableDeclaration[] = Object.values(tables);
  return Object.fromEntries(declarations.map((declaration) => [declaration.resource, createTable(declaration, options)]));
}

/** One declared table with the stage's rules (also OpenAuth's storage table, infra/aws/auth.ts). */
export function createTable(declaration: TableDeclaration, { production }: { production: boolean }): sst.aws.Dynamo {
  return new sst.aws.Dynamo(declaration.resource, {
    fields: Object.fromEntries(Object.entries(declaration.attributes).map(([name, type]) => [name, fieldType[type]])),
    primaryIndex: { hashKey: declaration.hashKey, ...(declaration.rangeKey ? { rangeKey: declaration.rangeKey } : {}) },
    globalIndexes: Object.fromEntries(
      declaration.globalIndexes.map((index) => [index.name, { hashKey: index.hashKey, ...(index.rangeKey ? { rangeKey: index.rangeKey } : {}) }]),
    ),
    ...(declaration.ttlAttribute ? { ttl: declaration.ttlAttribute } : {}),
    ...(declaration.stream ? { stream: streamView[declaration.stream] } : {}),
    deletionProtection: production,
    transform: {
      table: (args) => {
        args.pointInTimeRecovery = { enabled: production };
      },
    },
  });
}
