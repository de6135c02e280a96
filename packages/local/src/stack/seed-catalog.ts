// The catalog the local stack (and `npm run seed:stage`) seeds into the products table: Harbor &
// Pine, a small fictional maker of homeware and outdoor goods, and the write that seeds it. Images are the storefront's own SVGs
// (web/public/images/products/<id>.svg), so nothing is fetched from another host.
//
// The first ten products are well stocked (tests order them freely); the scarce ones come last:
// a low-stock skillet (3), a single Adirondack chair (1) and the flash-sale lantern (25), whose
// stock load tests reset.
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Product } from "@shopwave/core/catalog/product";
import { stockItemsOf } from "@shopwave/core/inventory/stock-shards";

/** The product the flash-sale load test hammers; its stock is reset before each run. */
export const FLASH_SALE_PRODUCT_ID = "flash-sale-lantern";

const product = (id: string, name: string, description: string, priceCents: number, stock: number): Product => ({
  id,
  name,
  description,
  priceCents,
  currency: "usd",
  imageUrl: `/images/products/${id}.svg`,
  stock,
});

export const seedProducts: readonly Product[] = [
  product(
    "enamel-camp-mug",
    "Enamel Camp Mug",
    "A 12 oz steel mug with a speckled enamel glaze and a rolled rim. Goes from the camp stove to the kitchen shelf without a second thought.",
    1800,
    120,
  ),
  product(
    "cedar-cutting-board",
    "Cedar Cutting Board",
    "Edge-grain western red cedar, finished with food-safe oil and a juice groove. Light enough to carry to the picnic table.",
    4200,
    60,
  ),
  product(
    "merino-wool-throw",
    "Merino Wool Throw",
    "A heavyweight 130 × 180 cm throw woven from undyed merino in a tide-stripe pattern. Warm on the porch, soft on the sofa.",
    12800,
    35,
  ),
  product(
    "stoneware-pour-over",
    "Stoneware Pour-Over",
    "A hand-thrown dripper with spiral ribs for an even draw. Fits most mugs and standard #2 filters.",
    3400,
    80,
  ),
  product(
    "waxed-canvas-tote",
    "Waxed Canvas Tote",
    "A market tote in 16 oz waxed cotton with leather handles that darken with use. Shrugs off drizzle and sand.",
    5600,
    70,
  ),
  product(
    "beeswax-taper-candles",
    "Beeswax Taper Candles",
    "A pair of hand-dipped pure beeswax tapers that burn clean for about eight hours each, with a faint scent of honey.",
    1400,
    150,
  ),
  product(
    "linen-work-apron",
    "Linen Work Apron",
    "Stonewashed linen with cross-back straps and two deep pockets, made for the kitchen, the potting bench and the workshop.",
    4800,
    45,
  ),
  product(
    "copper-watering-can",
    "Copper Watering Can",
    "A two-litre can in solid copper with a long spout for reaching the back of the window box. Ages to a soft patina.",
    6400,
    30,
  ),
  product(
    "field-notebook",
    "Field Notebook",
    "A pocket notebook with 48 dot-grid pages and a kraft cover, sized for trail notes and shopping lists alike.",
    600,
    300,
  ),
  product(
    "speckled-planter",
    "Speckled Planter",
    "A 15 cm stoneware pot with a drainage hole and matching saucer, glazed oatmeal with iron speckles.",
    2900,
    55,
  ),
  product(
    "insulated-trail-bottle",
    "Insulated Trail Bottle",
    "A 750 ml double-walled steel bottle that keeps coffee hot for twelve hours and water cold for a full day.",
    3200,
    90,
  ),
  product(
    "folding-camp-chair",
    "Folding Camp Chair",
    "A beech-frame chair with a removable canvas sling. Folds flat in one motion and carries by its own strap.",
    8900,
    20,
  ),
  product(
    "cast-iron-skillet",
    "Cast Iron Skillet",
    "A 10-inch skillet cast with a smooth-milled surface and pre-seasoned with flaxseed oil. Equally at home on the stove or over coals.",
    7400,
    3,
  ),
  product(
    "cedar-adirondack-chair",
    "Cedar Adirondack Chair",
    "A full-size Adirondack chair built from knot-free cedar with brass hardware. Made in a single small batch each season.",
    27900,
    1,
  ),
  {
    ...product(
      FLASH_SALE_PRODUCT_ID,
      "Harbor Storm Lantern",
      "A rechargeable LED lantern in powder-coated steel and glass with a warm, dimmable glow. Flash-sale pricing while stock lasts.",
      3900,
      25,
    ),
    // The hot item: one shopper may hold at most two in unpaid orders (ORDER_HOLDS_PER_EMAIL).
    maxPerCustomer: 2,
  },
];

/** Puts the products (and their stock shards) into the table, 25 items per batch, retrying what DynamoDB leaves unprocessed. */
export async function seedCatalog(db: DynamoDBDocumentClient, tableName: string, products: readonly Product[]): Promise<void> {
  // A sharded product is written as its item plus one item per further stock shard.
  const items = products.flatMap((product) => {
    const { product: item, shards } = stockItemsOf(product);
    return [item, ...shards];
  });
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } }));
    while (request && request.length > 0) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: request as never } }));
      request = result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
    }
  }
}
