/// <reference path="./.sst/platform/config.d.ts" />
// The SST app. Stage rules live in infra/stage.ts and every resource in infra/ (built from
// infra/topology.ts). SST evaluates this file twice, first for `app()` and then for `run()`;
// modules are imported inside the functions because SST refuses top-level imports here.
export default $config({
  async app(input) {
    const { stageRules } = await import("./infra/stage");
    const { removal, protect } = stageRules(input?.stage ?? "");
    return { name: "shopwave", home: "aws", removal, protect };
  },
  async run() {
    const { shopwave } = await import("./infra/aws/shopwave");
    return shopwave();
  },
});
