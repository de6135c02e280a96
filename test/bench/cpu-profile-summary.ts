// Reads a V8 .cpuprofile (node --cpu-prof) and totals self time by function and by package, so
// the benchmark can say where a process spent its CPU without opening DevTools.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** CPU time sampled while busy (idle excluded); shares below are of this. */
  totalMs: number;
  idleMs: number;
  byFunction: { name: string; selfMs: number; share: number }[];
  byPackage: { name: string; selfMs: number; share: number }[];
}

/** `node_modules/@scope/pkg/...` → `@scope/pkg`; our sources by folder; V8 internals by their label. */
export function packageOf(url: string): string {
  if (!url) return "(node internals / native)";
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  if (url.startsWith("node:")) return "node:";
  const ours = /(packages\/[^/]+|infra|test\/[^/]+)\//.exec(url);
  return ours ? ours[1]! : url.replace(/^file:\/\//, "");
}

export function summarizeCpuProfile(file: string, limit = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let idleUs = 0;
  for (const [id, us] of selfUs) if (nodes.get(id)!.callFrame.functionName === "(idle)") idleUs += us;
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) - idleUs;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    const where = frame.url ? `${packageOf(frame.url)}:${frame.lineNumber + 1}` : "";
    const name = `${frame.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const pkg = frame.url ? packageOf(frame.url) : frame.functionName;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, share: Math.round((us / totalUs) * 1000) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), idleMs: Math.round(idleUs / 1000), byFunction: top(byFunction), byPackage: top(byPackage) };
}
