// The shopper's cart: product ids and quantities kept in localStorage, so it survives reloads
// and is shared by the tabs of one browser (prices are never stored: the cart page reads them
// from the catalog, and the API prices the order itself). Components read it through
// useSyncExternalStore, which also makes server rendering see an empty cart without a
// hydration mismatch.
import { useSyncExternalStore } from "react";
import { MAX_QUANTITY_PER_LINE } from "./stock";

export interface CartLine {
  productId: string;
  quantity: number;
  /** Display hint for when the catalog cannot be reached; never a price. */
  name?: string;
}

const STORAGE_KEY = "shopwave.cart.v1";
const EMPTY: readonly CartLine[] = Object.freeze([]);
const listeners = new Set<() => void>();

let cachedRaw: string | null = null;
let cachedLines: readonly CartLine[] = EMPTY;

const clampQuantity = (quantity: number) => Math.max(1, Math.min(MAX_QUANTITY_PER_LINE, Math.floor(quantity)));

/** Parses what is stored, dropping anything malformed (an old format, a hand-edited value). */
export function parseCart(raw: string | null): readonly CartLine[] {
  if (!raw) return EMPTY;
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return EMPTY;
    const lines: CartLine[] = [];
    for (const item of value) {
      const { productId, quantity, name } = (item ?? {}) as Partial<CartLine>;
      if (typeof productId === "string" && productId && typeof quantity === "number" && Number.isFinite(quantity) && quantity >= 1) {
        if (!lines.some((line) => line.productId === productId)) {
          lines.push({ productId, quantity: clampQuantity(quantity), ...(typeof name === "string" && name ? { name: name.slice(0, 200) } : {}) });
        }
      }
    }
    return lines;
  } catch {
    return EMPTY;
  }
}

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null; // storage disabled (some private modes): the cart lives for this page only
  }
}

let memoryFallback: string | null = null;

function readRaw(): string | null {
  const store = storage();
  return store ? store.getItem(STORAGE_KEY) : memoryFallback;
}

function snapshot(): readonly CartLine[] {
  const raw = readRaw();
  if (raw !== cachedRaw) {
    cachedRaw = raw;
    cachedLines = parseCart(raw);
  }
  return cachedLines;
}

function write(lines: readonly CartLine[]): void {
  const raw = JSON.stringify(lines);
  const store = storage();
  if (store) {
    try {
      store.setItem(STORAGE_KEY, raw);
    } catch {
      memoryFallback = raw;
    }
  } else {
    memoryFallback = raw;
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changed the cart.
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY || event.key === null) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useCart(): readonly CartLine[] {
  return useSyncExternalStore(subscribe, snapshot, () => EMPTY);
}

/** Adds to a line (or creates it), never past the API's per-line limit. */
export function addToCart(productId: string, quantity: number, name?: string): void {
  const lines = snapshot();
  const existing = lines.find((line) => line.productId === productId);
  write(
    existing
      ? lines.map((line) => (line.productId === productId ? { ...line, quantity: clampQuantity(line.quantity + quantity) } : line))
      : [...lines, { productId, quantity: clampQuantity(quantity), ...(name ? { name } : {}) }],
  );
}

export function setCartQuantity(productId: string, quantity: number): void {
  write(snapshot().map((line) => (line.productId === productId ? { ...line, quantity: clampQuantity(quantity) } : line)));
}

export function removeFromCart(productId: string): void {
  write(snapshot().filter((line) => line.productId !== productId));
}

export function clearCart(): void {
  write(EMPTY);
}

export function cartItemCount(lines: readonly CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}
