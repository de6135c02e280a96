// Turns a topology function declaration into sst.aws.Function arguments: one runtime and
// architecture for every function; timeout, memory, links and settings per function. Links give a
// function both its `Resource.<Name>` values and the IAM permissions for exactly those resources.
import { queueSendActions } from "../link-actions";
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
    permissions: queuePermissions(linkables, declaration),
    environment,
  };
}

/**
 * The SQS actions of a declaration, each on its one queue: a linked queue the declaration lists in
 * `queuePermissions` gets exactly those actions; any other linked queue, sending alone. (A queue's
 * link carries its URL only: infra/aws/permissions.ts.)
 */
function queuePermissions(linkables: Linkables, declaration: FunctionDeclaration): sst.aws.FunctionPermissionArgs[] {
  const listed = declaration.queuePermissions ?? [];
  for (const permission of listed) {
    if (!(linkables[permission.queue] instanceof sst.aws.Queue)) throw new Error(`"${permission.queue}" has queue permissions in infra/topology.ts but is not a declared queue.`);
    if (!declaration.link.includes(permission.queue)) throw new Error(`"${permission.queue}" has queue permissions in infra/topology.ts but is not linked (the function would not know its URL).`);
  }
  const sendOnly = declaration.link
    .filter((name) => linkables[name] instanceof sst.aws.Queue && !listed.some((permission) => permission.queue === name))
    .map((name): QueuePermission => ({ queue: name as QueuePermission["queue"], actions: [...queueSendActions] }));
  return [...sendOnly, ...listed].map((permission) => ({ actions: [...permission.actions], resources: [(linkables[permission.queue] as sst.aws.Queue).arn] }));
}
