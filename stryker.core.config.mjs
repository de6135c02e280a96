// Mutation testing of packages/core, killed by its own unit tests (options in stryker.shared.mjs).
import { mutationConfig } from "./stryker.shared.mjs";

export default mutationConfig("core");
