// Structured JSON logs and CloudWatch EMF metrics (Powertools). The order id is appended as
// `orderId` wherever it is known, so one query follows an order from API to webhook to worker.
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { observability } from "@shopwave/infra/topology";

export const logger = new Logger({ serviceName: observability.serviceName });
export const metrics = new Metrics({ namespace: observability.metricsNamespace, serviceName: observability.serviceName });

export function countMetric(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * A logger for one invocation, carrying the Lambda context and the given keys. Handlers append
 * per-invocation keys (orderId) to this one, never to the shared root logger, so keys cannot
 * leak between invocations that share a process (the local stack runs them side by side).
 */
export function invocationLogger(context: Context, keys: Record<string, unknown> = {}): Logger {
  const log = logger.createChild({ persistentKeys: keys });
  log.addContext(context);
  return log;
}

/**
 * Runs one invocation of any handler (HTTP, queue worker, scheduled job) with its own logger and
 * publishes the metrics it counted however it ends, so no handler can forget either.
 */
export async function runInvocation<T>(context: Context, keys: Record<string, unknown>, run: (log: Logger) => Promise<T>): Promise<T> {
  const log = invocationLogger(context, keys);
  try {
    return await run(log);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
