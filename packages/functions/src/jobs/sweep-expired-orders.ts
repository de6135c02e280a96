// Scheduled safety net: settles pending orders whose reservation lapsed without a
// `checkout.session.expired` (a lost or delayed webhook), releasing their stock exactly once.
import type { Context } from "aws-lambda";
import { sweepLapsedOrders } from "@shopwave/core/orders/sweep-lapsed-orders";
import { countMetric, runInvocation } from "../shared/observability";
import { settings } from "../shared/settings";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

const graceSeconds = settings.sweepGraceSeconds();

export const handler = (_event: unknown, context: Context) =>
  runInvocation(context, {}, async (log) => {
    const result = await sweepLapsedOrders({ store, checkout: checkoutGateway }, { graceSeconds, limitPerShard: 100 });
    // Published only when non-zero: a custom metric costs per month for as long as it is published.
    if (result.outcomes.cancelled) countMetric("SweptOrdersCancelled", result.outcomes.cancelled);
    if (result.failures.length > 0) {
      countMetric("SweepFailures", result.failures.length);
      log.error("sweep could not settle some orders", { failures: result.failures });
    }
    log.info("sweep finished", { examined: result.examined, outcomes: result.outcomes });
    return result;
  });
