// Where the console finds the signed-in operator's access token: the tab's session storage, under
// the key the sign-in flow writes. The token is checked by the API on every call (signature,
// expiry, operator role); holding one here grants nothing by itself.
export const OPERATOR_TOKEN_KEY = "shopwave.operatorAccessToken";

export function operatorToken(): string | null {
  try {
    return window.sessionStorage.getItem(OPERATOR_TOKEN_KEY);
  } catch {
    return null; // storage disabled
  }
}
