// The CloudWatch alarms of infra/alarms.ts, notifying the stage's `Alarms` SNS topic (subscribe to
// it to be told; each alarm's description links its runbook section in docs/operations.md).
import { alarms, APP_METRICS_NAMESPACE, APP_METRICS_SERVICE, type AlarmDeclaration } from "../alarms";

export interface AlarmTargets {
  /** The topology's queues by logical name. */
  queues: Readonly<Record<string, sst.aws.Queue>>;
  api: sst.aws.ApiGatewayV2;
  /** Every Shopwave function (not the storefront's), for the alarms over all of them. */
  functionNames: readonly $util.Input<string>[];
}

/** CloudWatch evaluates at most 10 metrics in one alarm's metric math. */
export const MAX_ALARM_METRICS = 10;

type MetricArgs = Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions" | "statistic" | "period" | "metricQueries">;

function metricOf(alarm: AlarmDeclaration, targets: AlarmTargets): MetricArgs {
  const { metric } = alarm;
  const single = (namespace: string, dimensions: Record<string, $util.Input<string>>): MetricArgs => ({
    namespace,
    metricName: metric.name,
    dimensions,
    statistic: alarm.statistic,
    period: alarm.periodSeconds,
  });
  switch (metric.kind) {
    case "app":
      return single(APP_METRICS_NAMESPACE, { service: APP_METRICS_SERVICE });
    case "queue": {
      const queue = targets.queues[metric.queue];
      if (!queue) throw new Error(`Alarm ${alarm.name} watches queue ${metric.queue}, which infra/topology.ts does not declare.`);
      return single("AWS/SQS", { QueueName: queue.nodes.queue.name });
    }
    case "api":
      return single("AWS/ApiGateway", { ApiId: targets.api.nodes.api.id });
    case "functions": {
      if (targets.functionNames.length > MAX_ALARM_METRICS) {
        throw new Error(`Alarm ${alarm.name} would sum ${targets.functionNames.length} functions; CloudWatch allows ${MAX_ALARM_METRICS}.`);
      }
      const ids = targets.functionNames.map((_, index) => `f${index}`);
      return {
        metricQueries: [
          ...targets.functionNames.map((functionName, index) => ({
            id: ids[index]!,
            returnData: false,
            metric: { namespace: "AWS/Lambda", metricName: metric.name, dimensions: { FunctionName: functionName }, period: alarm.periodSeconds, stat: alarm.statistic },
          })),
          { id: "total", expression: `SUM([${ids.join(",")}])`, label: `${metric.name} of every Shopwave function`, returnData: true },
        ],
      };
    }
  }
}

export function createAlarms(targets: AlarmTargets) {
  const topic = new sst.aws.SnsTopic("Alarms");
  for (const alarm of alarms) {
    new aws.cloudwatch.MetricAlarm(alarm.name, {
      name: `${$app.name}-${$app.stage}-${alarm.name}`,
      alarmDescription: `${alarm.summary} Runbook: docs/operations.md#${alarm.runbook}`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: alarm.threshold,
      evaluationPeriods: alarm.evaluationPeriods,
      // No data means nothing happened (no failures were counted): not an alarm.
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
      ...metricOf(alarm, targets),
    });
  }
  return topic;
}
