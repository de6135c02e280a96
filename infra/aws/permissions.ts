// IAM hygiene applied to the whole program: links grant only the actions in infra/link-actions.ts,
// on the linked resource alone (a queue's actions are granted per function: infra/aws/functions.ts),
// and function roles trust Lambda alone.
import { busPublishActions, emailSendActions, tableDataActions } from "../link-actions";

export function scopeLinkPermissions(): void {
  sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({
    properties: { name: table.name },
    include: [
      sst.aws.permission({
        actions: [...tableDataActions],
        // The table and its indexes (queries on a GSI are authorised on the index ARN).
        resources: [table.arn, $interpolate`${table.arn}/index/*`],
      }),
    ],
  }));
  // A queue's link is its URL; what a function may do with it (sending, or exactly the actions its
  // declaration lists) is granted per function by functionArgs (infra/aws/functions.ts).
  sst.Linkable.wrap(sst.aws.Queue, (queue) => ({ properties: { url: queue.url } }));
  sst.Linkable.wrap(sst.aws.Bus, (bus) => ({
    properties: { name: bus.name, arn: bus.arn },
    include: [sst.aws.permission({ actions: [...busPublishActions], resources: [bus.arn] })],
  }));
  sst.Linkable.wrap(sst.aws.Email, (email) => ({
    properties: { sender: email.sender, configSet: email.configSet },
    include: [
      sst.aws.permission({
        actions: [...emailSendActions],
        // SES authorizes a send on the sender's identity, the configuration set it goes through and,
        // while the account is in the SES sandbox, the (verified) recipient's identity too: so the
        // account's identities in this region, with the From address pinned to the stage's sender.
        resources: [emailIdentitiesOf(email.nodes.identity.arn), email.nodes.configurationSet.arn],
        conditions: [{ test: "StringEquals", variable: "ses:FromAddress", values: [email.sender] }],
      }),
    ],
  }));
}

/** `arn:…:ses:<region>:<account>:identity/<sender>` → the same account's and region's `identity/*`. */
export function emailIdentitiesOf(identityArn: $util.Output<string>): $util.Output<string> {
  return identityArn.apply((arn) => arn.replace(/:identity\/.*$/, ":identity/*"));
}

/**
 * Function roles trust Lambda alone. SST's Function also trusts the account root, which `sst dev`
 * needs (the local process runs with the function's role), but its check of dev mode tests an
 * Output object, which is always truthy, so deployed roles would keep that trust too.
 */
export function trustLambdaOnly(): void {
  if ($dev) return;
  $transform(sst.aws.Function, (args) => {
    const previous = args.transform?.role;
    args.transform = {
      ...args.transform,
      role: (roleArgs, opts, name) => {
        if (typeof previous === "function") previous(roleArgs, opts, name);
        else if (previous) Object.assign(roleArgs, previous);
        roleArgs.assumeRolePolicy = aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" });
        return undefined;
      },
    };
  });
}
