import type { Price } from '../config/schema.js';
import { usedUnits, type Units } from '../translate/ir.js';

export { usedUnits, type Units };

/**
 * The USD the units cost at `price`, or null when a unit was used that the
 * price does not cover (unknown, never zero). Per image: the price for the
 * quality and size (`hd 1024x1024`), else for the size, else for the quality,
 * else `*`, else a single number.
 */
export function unitsCost(units: Units, price: Price | null): number | null {
  let usd = 0;
  const images = units.images ?? 0;
  if (images > 0) {
    const each = imagePrice(price, units.imageSize, units.imageQuality);
    if (each === null) return null;
    usd += images * each;
  }
  const seconds = units.audioSeconds ?? 0;
  if (seconds > 0) {
    if (price?.audioMinute === undefined) return null;
    usd += (seconds / 60) * price.audioMinute;
  }
  const characters = units.characters ?? 0;
  if (characters > 0) {
    if (price?.characters === undefined) return null;
    usd += (characters / 1_000_000) * price.characters;
  }
  const searches = units.searches ?? 0;
  if (searches > 0) {
    if (price?.search === undefined) return null;
    usd += searches * price.search;
  }
  const webSearches = units.webSearches ?? 0;
  if (webSearches > 0) {
    if (price?.webSearch === undefined) return null;
    usd += (webSearches / 1000) * price.webSearch;
  }
  return usd;
}

function imagePrice(price: Price | null, size: string | undefined, quality: string | undefined): number | null {
  const table = price?.image;
  if (table === undefined) return null;
  if (typeof table === 'number') return table;
  const tries = [quality && size ? `${quality} ${size}` : undefined, size, quality, '*'];
  for (const name of tries) if (name !== undefined && table[name] !== undefined) return table[name];
  return null;
}

/** Adds `more` into `into` (rollups, totals); sizes and qualities are not summed. */
export function addUnits(into: Required<Pick<Units, 'images' | 'audioSeconds' | 'characters' | 'searches' | 'webSearches'>>, more: Units | null | undefined): void {
  if (!more) return;
  into.images += more.images ?? 0;
  into.audioSeconds += more.audioSeconds ?? 0;
  into.characters += more.characters ?? 0;
  into.searches += more.searches ?? 0;
  into.webSearches += more.webSearches ?? 0;
}
