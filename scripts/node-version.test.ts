// One Node.js major everywhere: the suite itself runs on the major in .nvmrc (what `.ci/run` and
// scripts/node24.sh provide), and that is the major of the Lambda runtime every function deploys on.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lambdaRuntime } from "../infra/topology";
import { repoRoot } from "./sst-platform";

const nvmrcMajor = Number(readFileSync(path.join(repoRoot, ".nvmrc"), "utf8").trim());
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { engines: { node: string } };

describe("the Node.js version", () => {
  it(".nvmrc names one major", () => {
    expect(Number.isInteger(nvmrcMajor)).toBe(true);
  });

  it("the tests run on it (on another Node: `source scripts/node24.sh`, `nvm use` or `fnm use`)", () => {
    expect(Number(process.versions.node.split(".")[0]), `running Node ${process.versions.node}`).toBe(nvmrcMajor);
  });

  it("is the Lambda runtime's major", () => {
    expect(lambdaRuntime.runtime).toBe(`nodejs${nvmrcMajor}.x`);
  });

  it("is the lowest Node that package.json's engines admit", () => {
    expect(packageJson.engines.node).toBe(`>=${nvmrcMajor}`);
  });
});
