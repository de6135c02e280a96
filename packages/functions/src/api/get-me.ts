// GET /me: the signed-in customer, as their verified token says (no table read).
import { authenticate } from "../http/authenticate";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";

export const handler = httpHandler("GET /me", async (event) => {
  const principal = await authenticate(event);
  return jsonResponse(200, { customerId: principal.customerId, email: principal.email, roles: principal.roles });
});
