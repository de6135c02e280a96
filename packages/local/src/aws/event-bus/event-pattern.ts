// EventBridge event patterns: validation (as PutRule refuses a bad pattern) and matching, as
// documented in "Creating Amazon EventBridge event patterns" and "Comparison operators for use in
// event patterns" (EventBridge User Guide): fields AND, array values OR, nesting, arrays in events
// (any element), null and empty string, exact, prefix / suffix (optionally equals-ignore-case),
// equals-ignore-case, wildcard, anything-but (value(s), prefix, suffix, equals-ignore-case,
// wildcard), numeric ranges, cidr, exists, and $or. No maintained npm library implements these
// correctly against AWS's examples (see event-pattern.test.ts), hence this module.

export type EventPattern = { readonly [field: string]: unknown };

export class InvalidEventPatternError extends Error {
  override readonly name = "InvalidEventPatternException";
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Throws InvalidEventPatternError for a pattern EventBridge would refuse. */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  if (!isObject(pattern)) throw new InvalidEventPatternError("Event pattern is not a JSON object.");
  validateObject(pattern, "");
}

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: { readonly [field: string]: unknown }, value: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!(sub as EventPattern[]).some((alternative) => matchObject(alternative, value))) return false;
      continue;
    }
    const field = isObject(value) ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, field, isObject(value) && Object.hasOwn(value, key))) return false;
    } else if (!matchNested(sub as EventPattern, field)) {
      return false;
    }
  }
  return true;
}

// A nested pattern applies to an object, or to any object of an array of them.
function matchNested(pattern: EventPattern, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => matchNested(pattern, element));
  if (value === undefined) return leafPatternsAllowAbsence(pattern);
  return matchObject(pattern, value);
}

// `{ "a": { "b": [{ "exists": false }] } }` matches an event without `a` at all.
function leafPatternsAllowAbsence(pattern: EventPattern): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === "$or") return (sub as EventPattern[]).some(leafPatternsAllowAbsence);
    if (Array.isArray(sub)) return sub.some((matcher) => isObject(matcher) && matcher.exists === false);
    return leafPatternsAllowAbsence(sub as EventPattern);
  });
}

/** A field's array of matchers against the event's value there (any matcher, any element). */
function matchLeaf(matchers: readonly unknown[], value: unknown, present: boolean): boolean {
  const leafPresent = present && !isObject(value);
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return matchers.some((matcher) => {
    if (isObject(matcher) && "exists" in matcher) {
      // Exists works on leaves: a field holding an object does not count as present.
      const exists = leafPresent && (!Array.isArray(value) || value.length > 0);
      return matcher.exists === exists;
    }
    if (!leafPresent) return false;
    return values.some((element) => !isObject(element) && matchValue(matcher, element));
  });
}

function matchValue(matcher: unknown, value: unknown): boolean {
  if (!isObject(matcher)) return matcher === value; // exact: strings, numbers, booleans, null
  const [operator, operand] = Object.entries(matcher)[0]!;
  switch (operator) {
    case "prefix":
      return typeof value === "string" && affix(operand, value, "prefix");
    case "suffix":
      return typeof value === "string" && affix(operand, value, "suffix");
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === String(operand).toLowerCase();
    case "wildcard":
      return typeof value === "string" && wildcardMatches(String(operand), value);
    case "numeric":
      return typeof value === "number" && numericMatches(operand as unknown[], value);
    case "cidr":
      return typeof value === "string" && cidrContains(String(operand), value);
    case "anything-but":
      return anythingBut(operand, value);
    default:
      return false;
  }
}

function affix(operand: unknown, value: string, kind: "prefix" | "suffix"): boolean {
  const ignoreCase = isObject(operand);
  const text = ignoreCase ? String(operand["equals-ignore-case"]) : String(operand);
  const [haystack, needle] = ignoreCase ? [value.toLowerCase(), text.toLowerCase()] : [value, text];
  return kind === "prefix" ? haystack.startsWith(needle) : haystack.endsWith(needle);
}

function anythingBut(operand: unknown, value: unknown): boolean {
  if (isObject(operand)) {
    const [operator, inner] = Object.entries(operand)[0]!;
    if (typeof value !== "string") return false;
    const list = (Array.isArray(inner) ? inner : [inner]).map(String);
    switch (operator) {
      case "prefix":
        return !list.some((prefix) => value.startsWith(prefix));
      case "suffix":
        return !list.some((suffix) => value.endsWith(suffix));
      case "equals-ignore-case":
        return !list.some((text) => text.toLowerCase() === value.toLowerCase());
      case "wildcard":
        return !list.some((wildcard) => wildcardMatches(wildcard, value));
      default:
        return false;
    }
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.includes(value);
}

/** `*` matches any run of characters (none included); `\*` is a literal star, `\\` a backslash. */
function wildcardMatches(wildcard: string, value: string): boolean {
  let source = "";
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i]!;
    if (char === "\\" && (wildcard[i + 1] === "*" || wildcard[i + 1] === "\\")) {
      source += `\\${wildcard[++i]}`;
    } else if (char === "*") {
      source += "[\\s\\S]*";
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`).test(value);
}

function numericMatches(conditions: readonly unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok =
      operator === "=" ? value === bound : operator === "<" ? value < bound : operator === "<=" ? value <= bound : operator === ">" ? value > bound : operator === ">=" ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

function cidrContains(cidr: string, address: string): boolean {
  const [network, bitsText] = cidr.split("/");
  const target = ipToBigInt(address);
  const base = ipToBigInt(network ?? "");
  if (target === undefined || base === undefined || target.bits !== base.bits) return false;
  const bits = bitsText === undefined ? base.bits : Number(bitsText);
  const shift = BigInt(base.bits - bits);
  return target.value >> shift === base.value >> shift;
}

function ipToBigInt(address: string): { value: bigint; bits: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    const parts = address.split(".").map(Number);
    if (parts.some((part) => part > 255)) return undefined;
    return { value: parts.reduce((acc, part) => (acc << 8n) | BigInt(part), 0n), bits: 32 };
  }
  if (!address.includes(":")) return undefined;
  const [head = "", tail] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? headGroups.length !== 8 : missing < 0) return undefined;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailGroups];
  if (groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return { value: groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n), bits: 128 };
}

// ---- validation -----------------------------------------------------------------------------

const STRING_OPERATORS = new Set(["prefix", "suffix", "equals-ignore-case", "wildcard", "cidr"]);
const NUMERIC_OPERATORS = new Set(["=", "<", "<=", ">", ">="]);

function validateObject(pattern: Record<string, unknown>, path: string): void {
  for (const [key, sub] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isObject)) throw new InvalidEventPatternError(`$or at ${path || "the top"} must list at least two objects.`);
      for (const alternative of sub) validateObject(alternative as Record<string, unknown>, path);
    } else if (Array.isArray(sub)) {
      if (sub.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed (at ${at}).`);
      for (const matcher of sub) validateMatcher(matcher, at);
    } else if (isObject(sub)) {
      validateObject(sub, at);
    } else {
      throw new InvalidEventPatternError(`"${at}" must be an object or an array.`);
    }
  }
}

function validateMatcher(matcher: unknown, at: string): void {
  if (!isObject(matcher)) {
    if (Array.isArray(matcher)) throw new InvalidEventPatternError(`Nested arrays are not allowed (at ${at}).`);
    return; // an exact value
  }
  const entries = Object.entries(matcher);
  if (entries.length !== 1) throw new InvalidEventPatternError(`A matcher must have exactly one operator (at ${at}).`);
  const [operator, operand] = entries[0]!;
  const bad = (why: string) => new InvalidEventPatternError(`${operator} at ${at}: ${why}`);
  if (operator === "exists") {
    if (typeof operand !== "boolean") throw bad("must be true or false.");
  } else if (operator === "prefix" || operator === "suffix") {
    if (!(typeof operand === "string" || (isObject(operand) && Object.keys(operand).join() === "equals-ignore-case" && typeof operand["equals-ignore-case"] === "string")))
      throw bad("must be a string or { equals-ignore-case: string }.");
  } else if (STRING_OPERATORS.has(operator)) {
    if (typeof operand !== "string") throw bad("must be a string.");
    if (operator === "cidr" && !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(operand)) throw bad("is not a CIDR block.");
    if (operator === "wildcard" && /\*\*/.test(operand)) throw bad("consecutive wildcard characters are not allowed.");
  } else if (operator === "numeric") {
    if (!Array.isArray(operand) || operand.length === 0 || operand.length > 4 || operand.length % 2 !== 0) throw bad("must be [op, number] or [op, number, op, number].");
    for (let i = 0; i < operand.length; i += 2) {
      if (!NUMERIC_OPERATORS.has(operand[i] as string) || typeof operand[i + 1] !== "number") throw bad("must pair comparison operators with numbers.");
    }
  } else if (operator === "anything-but") {
    if (isObject(operand)) {
      const inner = Object.entries(operand);
      const [innerOperator, innerOperand] = inner[0] ?? [];
      const strings = Array.isArray(innerOperand) ? innerOperand : [innerOperand];
      if (inner.length !== 1 || !["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(innerOperator!) || !strings.every((s) => typeof s === "string"))
        throw bad("takes a value, a list of values, or one of prefix / suffix / equals-ignore-case / wildcard with strings.");
    } else {
      const values = Array.isArray(operand) ? operand : [operand];
      if (values.length === 0 || !(values.every((v) => typeof v === "string") || values.every((v) => typeof v === "number"))) throw bad("lists only strings or only numbers.");
    }
  } else {
    throw new InvalidEventPatternError(`Unrecognized match type ${operator} (at ${at}).`);
  }
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
