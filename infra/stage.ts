// Stage rules: `production` keeps its data and cannot be removed by accident; every other stage
// (one per developer, per branch, CI) is disposable and is removed whole by `sst remove`.

export const PRODUCTION_STAGE = "production";

export interface StageRules {
  readonly production: boolean;
  /** SST's removal policy: what `sst remove` (or dropping a resource) does to data-bearing resources. */
  readonly removal: "retain" | "remove";
  /** SST refuses `sst remove` on a protected stage. */
  readonly protect: boolean;
  /**
   * CloudWatch alarms (and their SNS topic) cost about $1.60 a month whether anything happens or
   * not; a developer's stage should cost nothing at rest, so only production has them unless a
   * stage opts in (SHOPWAVE_ALARMS=on, e.g. for staging).
   */
  readonly alarms: boolean;
}

export function stageRules(stage: string, env: Readonly<Record<string, string | undefined>> = {}): StageRules {
  const production = stage === PRODUCTION_STAGE;
  return { production, removal: production ? "retain" : "remove", protect: production, alarms: production || env.SHOPWAVE_ALARMS === "on" };
}
