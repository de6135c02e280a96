// The CloudWatch alarms of infra/alarms.ts, notifying the stage's `Alarms` SNS topic (subscribe to
// it to be told; each alarm's description links its runbook section in docs/operations.md).
import { alarms, APP_METRICS_NAMESPACE, APP_METRICS_SERVICE, type AlarmDeclaration } from "../alarms";

export interface AlarmTargets {
  /** The topology's queues by logical name. */
  queues: Readonly<Record<string, sst.aws.Queue>>;
  api: sst.aws.ApiGatewayV2;
  /** Every Shopwave function (not the storefront's), for the alarms over all of them. */
  functionNames: readonly $util.Input<string>[];
  /** The stream consumers' function names, by their `streams` key in the topology. */
  streamFunctions: Readonly<Record<string, $util.Input<string>>>;
}

/** CloudWatch evaluates at most 10 metrics in one alarm's metric math. */
export const MAX_ALARM_METRICS = 10;

type MetricArgs = Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions" | "statistic" | "period" | "metricQueries">;

/** The alarm over these functions (at most MAX_ALARM_METRICS: more are split over several alarms by the caller). */
function metricOf(alarm: AlarmDeclaration, targets: AlarmTargets, functionNames: readonly $util.Input<string>[] = targets.functionNames): MetricArgs {
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
    case "stream": {
      const functionName = targets.streamFunctions[metric.stream];
      if (!functionName) throw new Error(`Alarm ${alarm.name} watches stream consumer ${metric.stream}, which the program did not create.`);
      return single("AWS/Lambda", { FunctionName: functionName });
    }
    case "ses":
      return { namespace: "AWS/SES", metricName: metric.name, statistic: alarm.statistic, period: alarm.periodSeconds };
    case "functions": {
      if (functionNames.length > MAX_ALARM_METRICS) {
        throw new Error(`Alarm ${alarm.name} would sum ${functionNames.length} functions; CloudWatch allows ${MAX_ALARM_METRICS}.`);
      }
      const ids = functionNames.map((_, index) => `f${index}`);
      return {
        metricQueries: [
          ...functionNames.map((functionName, index) => ({
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
    // An alarm over every function sums at most MAX_ALARM_METRICS of them: past that, one alarm
    // per group of functions (`<name>`, `<name>2`, …), each with the same runbook.
    const groups =
      alarm.metric.kind === "functions"
        ? Array.from({ length: Math.ceil(targets.functionNames.length / MAX_ALARM_METRICS) }, (_, index) =>
            targets.functionNames.slice(index * MAX_ALARM_METRICS, (index + 1) * MAX_ALARM_METRICS),
          )
        : [targets.functionNames];
    groups.forEach((functionNames, index) => createAlarm(alarm, index === 0 ? alarm.name : `${alarm.name}${index + 1}`, metricOf(alarm, targets, functionNames), topic));
  }
  return topic;
}

function createAlarm(alarm: AlarmDeclaration, name: string, metric: MetricArgs, topic: sst.aws.SnsTopic) {
  new aws.cloudwatch.MetricAlarm(name, {
    name: `${$app.name}-${$app.stage}-${name}`,
    alarmDescription: `${alarm.summary} Runbook: docs/operations.md#${alarm.runbook}`,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: alarm.threshold,
    evaluationPeriods: alarm.evaluationPeriods,
    // No data means nothing happened (no failures were counted): not an alarm.
    treatMissingData: "notBreaching",
    alarmActions: [topic.arn],
    okActions: [topic.arn],
    ...metric,
  });
}
