// Money is integer minor units plus an ISO currency (the API's contract); this turns it into
// text with Intl.NumberFormat, using each currency's own number of decimals (JPY has none).
// One fixed locale on server and browser, so server-rendered prices hydrate unchanged.

export const STORE_LOCALE = "en-US";

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string): Intl.NumberFormat {
  const code = currency.toUpperCase();
  let format = formats.get(code);
  if (!format) {
    format = new Intl.NumberFormat(STORE_LOCALE, { style: "currency", currency: code });
    formats.set(code, format);
  }
  return format;
}

export function formatMoney(minorUnits: number, currency: string): string {
  const format = formatFor(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}
