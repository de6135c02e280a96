// Stage rules: `production` keeps its data and cannot be removed by accident; every other stage
// (one per developer, per branch, CI) is disposable and is removed whole by `sst remove`.

export const PRODUCTION_STAGE = "production";

export interface StageRules {
  readonly production: boolean;
  /** SST's removal policy: what `sst remove` (or dropping a resource) does to data-bearing resources. */
  readonly removal: "retain" | "remove";
  /** SST refuses `sst remove` on a protected stage. */
  readonly protect: boolean;
}

export function stageRules(stage: string): StageRules {
  const production = stage === PRODUCTION_STAGE;
  return { production, removal: production ? "retain" : "remove", protect: production };
}
