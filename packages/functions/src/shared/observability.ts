// Structured JSON logs and CloudWatch EMF metrics (Powertools). The order id is appended as
// `orderId` wherever it is known, so one query follows an order from API to webhook to worker.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export const logger = new Logger({ serviceName: "shopwave" });
export const metrics = new Metrics({ namespace: "Shopwave", serviceName: "shopwave" });

export function countMetric(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
