// Turns a topology function declaration into sst.aws.Function arguments: one runtime and
// architecture for every function; timeout, memory, links and settings per function. Links give a
// function both its `Resource.<Name>` values and the IAM permissions for exactly those resources.
import { lambdaRuntime, observability, type FunctionSetting, type QueuePermission } from "../topology";

/** The components a function can be linked to, by their topology (and `Resource`) name. */
export type Linkables = Readonly<Record<string, sst.aws.Dynamo | sst.aws.Queue | sst.Secret | sst.aws.Bus | sst.aws.Email>>;

/** Deploy-time values of the settings; an absent one is left to the handler's default. */
export type SettingValues = Readonly<Partial<Record<FunctionSetting, $util.Input<string>>>>;

export interface FunctionDeclaration {
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly link: readonly string[];
  readonly settings?: readonly FunctionSetting[];
  readonly queuePermissions?: readonly QueuePermission[];
}

export function linked(linkables: Linkables, names: readonly string[]) {
  return names.map((name) => {
    const linkable = linkables[name];
    if (!linkable) throw new Error(`"${name}" is linked in infra/topology.ts but no such resource is declared.`);
    return linkable;
  });
}

export function functionArgs(declaration: FunctionDeclaration, linkables: Linkables, settings: SettingValues): sst.aws.FunctionArgs {
  const environment: Record<string, $util.Input<string>> = {
    POWERTOOLS_SERVICE_NAME: observability.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: observability.logLevel,
  };
  for (const setting of declaration.settings ?? []) {
    const value = settings[setting];
    if (value !== undefined) environment[setting] = value;
  }
  return {
    handler: declaration.handler,
    runtime: lambdaRuntime.runtime,
    architecture: lambdaRuntime.architecture,
    timeout: `${declaration.timeoutSeconds} seconds`,
    memory: `${declaration.memoryMb} MB`,
    link: linked(linkables, declaration.link),
    ...(declaration.queuePermissions?.length ? { permissions: queuePermissions(linkables, declaration.queuePermissions) } : {}),
    environment,
  };
}

/** The SQS actions a declaration grants beyond its links, each on its one queue. */
function queuePermissions(linkables: Linkables, permissions: readonly QueuePermission[]): sst.aws.FunctionPermissionArgs[] {
  return permissions.map((permission) => {
    const queue = linkables[permission.queue];
    if (!(queue instanceof sst.aws.Queue)) throw new Error(`"${permission.queue}" has queue permissions in infra/topology.ts but is not a declared queue.`);
    return { actions: [...permission.actions], resources: [queue.arn] };
  });
}
