// Scheduled jobs (EventBridge Scheduler via SST's CronV2): the sweeper that settles orders whose
// reservation lapsed without a `checkout.session.expired` webhook.
import { functionArgs, type Linkables, type SettingValues } from "./functions";
import { crons } from "../topology";

export function rateExpression(minutes: number): `rate(${string})` {
  return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}

export function createCrons(linkables: Linkables, settings: SettingValues) {
  return Object.values(crons).map(
    (cron) =>
      new sst.aws.CronV2(cron.resource, {
        schedule: rateExpression(cron.everyMinutes),
        function: functionArgs(cron, linkables, settings),
      }),
  );
}
