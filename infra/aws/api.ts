// The HTTP API (API Gateway v2): every topology route bound to its own function, and CORS for the
// storefront's origin only.
import { functionArgs, type Linkables, type SettingValues } from "./functions";
import { httpApi, routes } from "../topology";

export function createApi(options: { linkables: Linkables; settings: SettingValues; storefrontOrigin: $util.Input<string> }) {
  const api = new sst.aws.ApiGatewayV2(httpApi.resource, {
    cors: {
      allowOrigins: [options.storefrontOrigin],
      allowHeaders: [...httpApi.cors.allowHeaders],
      allowMethods: [...httpApi.cors.allowMethods],
      maxAge: `${httpApi.cors.maxAgeSeconds} seconds`,
    },
  });
  const functionNames = routes.map((route) =>
    api.route(`${route.method} ${route.path}`, functionArgs(route, options.linkables, options.settings)).nodes.function.apply((fn) => fn.name),
  );
  return { api, functionNames };
}
