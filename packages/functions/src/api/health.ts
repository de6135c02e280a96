// GET /health: liveness of the API itself (no dependency checks, so it stays cheap and honest).
import { jsonResponse } from "../http/json-response";

export const handler = async () => jsonResponse(200, { ok: true });
