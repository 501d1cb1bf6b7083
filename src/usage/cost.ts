import { priceSchema, type Price } from '../config/schema.js';
import shipped from './prices.json' with { type: 'json' };
import type { Usage } from '../translate/ir.js';
import { unitsCost, usedUnits, type Units } from './units.js';

export type { Price };

/** Prices by model id, USD per million tokens. */
export type PriceTable = Record<string, Price>;

/** Finds the price of a request's model: the first id that has one wins. */
export type PriceLookup = (...ids: (string | null | undefined)[]) => Price | null;

/** The shipped table (`prices.json`), checked once; keys starting with `$` are notes. */
export const SHIPPED_PRICES: PriceTable = readTable(shipped as Record<string, unknown>);

function readTable(raw: Record<string, unknown>): PriceTable {
  const table: PriceTable = {};
  for (const [id, value] of Object.entries(raw)) {
    if (id.startsWith('$')) continue;
    table[id] = priceSchema.parse(value);
  }
  return table;
}

/**
 * What may follow a known id and still name the same model: a date
 * (`-2024-08-06`, `-20250929`, Vertex's `@20250929`), `-latest`, and a
 * Bedrock-style version (`-v1:0`). Anything else (`o3-pro`, `gpt-4o-audio-preview`)
 * is another model with another price, so it stays unknown rather than
 * borrowing the shorter id's price.
 */
const SNAPSHOT_SUFFIX = /^[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|latest)(?:-v\d+(?::\d+)?)?$/;

/**
 * The price id that prices every model without a price of its own (config
 * `prices` or the admin API). Absent, such a model's cost is unknown (null),
 * and a key with a USD budget may not use it (policy/limits.ts).
 */
export const DEFAULT_PRICE_ID = '*';

/** A lookup over the shipped table with `overrides` (the config's `prices`) on top; `*` among them is the default price. */
export function createPriceLookup(overrides: PriceTable = {}): PriceLookup {
  const table: PriceTable = { ...SHIPPED_PRICES, ...overrides };
  // Longest first, so `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini` before `gpt-4o`.
  const ids = Object.keys(table).sort((a, b) => b.length - a.length);
  const find = (id: string): Price | null => {
    const exact = table[id];
    if (exact) return exact;
    for (const known of ids) if (id.startsWith(known) && SNAPSHOT_SUFFIX.test(id.slice(known.length))) return table[known];
    return null;
  };
  const fallback = table[DEFAULT_PRICE_ID] ?? null;
  return (...candidates) => {
    for (const id of candidates) {
      if (!id) continue;
      // `models/gemini-2.5-pro`, `openai/gpt-4o`: the last segment names the model.
      const found = find(id) ?? (id.includes('/') ? find(id.slice(id.lastIndexOf('/') + 1)) : null);
      if (found) return found;
    }
    return fallback;
  };
}

export type PriceSource = 'shipped' | 'config' | 'admin';

export interface PriceEntry {
  model: string;
  price: Price;
  /** The layer the price in force comes from. */
  source: PriceSource;
}

/**
 * The price table in three layers, each over the one before: the shipped
 * table, the config file's `prices`, and prices set through the admin API
 * (kept in the database). `lookup` always reads the current layers, so an
 * admin change applies to the next request.
 */
export interface PriceBook {
  lookup: PriceLookup;
  adminPrices(): PriceTable;
  setAdminPrices(table: PriceTable): void;
  /** Every priced model with its price in force and where it came from, sorted by id. */
  entries(): PriceEntry[];
}

export function createPriceBook(config: PriceTable = {}, admin: PriceTable = {}): PriceBook {
  let adminLayer = { ...admin };
  let current = createPriceLookup({ ...config, ...adminLayer });
  return {
    lookup: (...ids) => current(...ids),
    adminPrices: () => ({ ...adminLayer }),
    setAdminPrices(table) {
      adminLayer = { ...table };
      current = createPriceLookup({ ...config, ...adminLayer });
    },
    entries() {
      const layers: [PriceSource, PriceTable][] = [['shipped', SHIPPED_PRICES], ['config', config], ['admin', adminLayer]];
      const found = new Map<string, PriceEntry>();
      for (const [source, table] of layers) for (const [model, price] of Object.entries(table)) found.set(model, { model, price, source });
      return [...found.values()].sort((a, b) => a.model.localeCompare(b.model));
    },
  };
}

const shippedLookup = createPriceLookup();

/**
 * The shipped price of the first id that has one; pass the upstream model id
 * first, then the public one.
 */
export function priceFor(...ids: (string | null | undefined)[]): Price | null {
  return shippedLookup(...ids);
}

/**
 * A request's cost in USD, or null when it used tokens or units (images,
 * audio, searches: usage/units.ts) its model has no price for (unknown, never
 * zero). A request that used nothing cost nothing, priced or not.
 *
 * `inputTokens` is uncached input and `outputTokens` includes reasoning
 * (store/types.ts). When a cache price is not listed, cache reads and writes
 * are charged at the input price: an upper bound rather than a guess at the
 * discount.
 */
export function costOf(usage: Usage, price: Price | null, units?: Units | null): number | null {
  const tokens = tokensCost(usage, price);
  if (!usedUnits(units)) return tokens;
  const perUnit = unitsCost(units, price);
  return tokens === null || perUnit === null ? null : roundUsd(tokens + perUnit);
}

function tokensCost(usage: Usage, price: Price | null): number | null {
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } = usage;
  if (inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens + reasoningTokens === 0) return 0;
  if (!price) return null;
  // A price with no token prices (a model billed only by the unit) cannot price tokens: unknown, not free.
  if (price.input === undefined || price.output === undefined) return null;
  const reasoning = Math.min(reasoningTokens, outputTokens);
  const perMillion =
    inputTokens * price.input +
    cacheReadTokens * (price.cacheRead ?? price.input) +
    cacheWriteTokens * (price.cacheWrite ?? price.input) +
    (outputTokens - reasoning) * price.output +
    reasoning * (price.reasoning ?? price.output);
  return roundUsd(perMillion / 1_000_000);
}

/** Rounds to 1e-10 USD, so sums and products read as the decimals they are (no 0.30000000000000004). */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
