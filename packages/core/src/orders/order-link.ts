// Links to an order that open it in any browser, for messages the shop sends (the receipt and
// the other order emails). The storefront keeps the checkout's access token in the browser that
// placed the order, and only its hash is stored, so a link needs a token of its own: one is
// issued per message, its hash appended to the order (accepted like the checkout's token, see
// access-token.ts opensOrder), and the token goes into the link's fragment
// (`/orders/{id}#token=…`), which browsers never send to a server, so it stays out of CDN and
// access logs and Referer. The token exists in clear only in the message itself: never logged,
// never stored, never returned.
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../shared/dynamodb-errors";
import type { Store } from "../shared/store";
import { newAccessToken } from "./access-token";

/**
 * Link tokens one order may accumulate: one per email (three at most in an order's life) plus the
 * occasional retry of an email whose sender crashed before sending. Bounded so the item stays small.
 */
export const MAX_LINK_TOKENS = 20;

/** Issues a link token for the order and returns it (the clear token: put it in the message only). */
export async function issueOrderLinkToken(store: Store, orderId: string): Promise<string> {
  const { token, hash } = newAccessToken();
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.orders,
        Key: { id: orderId },
        UpdateExpression: "SET linkTokenHashes = list_append(if_not_exists(linkTokenHashes, :none), :hash)",
        ConditionExpression: "attribute_exists(id) AND (attribute_not_exists(linkTokenHashes) OR size(linkTokenHashes) < :max)",
        ExpressionAttributeValues: { ":none": [], ":hash": [hash], ":max": MAX_LINK_TOKENS },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new Error(`Order ${orderId} does not exist or already has ${MAX_LINK_TOKENS} link tokens.`, { cause: error });
    throw error;
  }
  return token;
}

/** The storefront's order page for `orderId`, opened by `token` (in the fragment, never sent to a server). */
export function orderPageLink(storefrontUrl: string, orderId: string, token: string): string {
  return `${storefrontUrl.replace(/\/+$/, "")}/orders/${encodeURIComponent(orderId)}#token=${encodeURIComponent(token)}`;
}
