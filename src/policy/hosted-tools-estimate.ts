import type { ClientBody } from '../protocols/requests.js';
import type { Price } from '../usage/cost.js';
import { roundUsd } from '../usage/cost.js';
import { mediaEstimate } from './media-estimate.js';

/** What a request's hosted tools may spend (gateway/hosted-tools/plan.ts hostedToolsAsked). */
export interface HostedToolsAsk {
  /** Searches it may run: the client's `max_uses`, else the setting's, never above it. */
  searches: number;
  /** `hostedTools.webSearch.pricePer1000`, for a model whose price names no `webSearch`. */
  searchPricePer1000?: number;
  /** The image it may make: the image model, and the size and quality the client's tool asks for. */
  image?: { model: string; size?: unknown; quality?: unknown };
}

/**
 * The USD reserved for a request's hosted tools on top of its tokens, so a
 * burst of searching requests cannot overrun a USD budget: every search it
 * may run at the model's `webSearch` price (else the setting's), and one
 * image at the image model's price for the size and quality asked (as
 * `POST /v1/images/generations` reserves one). Replaced by what was really
 * spent when the request ends: its row's cost (the searches run) and its
 * images' rows.
 */
export function hostedToolsEstimate(ask: HostedToolsAsk, modelPrice: Price | null, imagePrice: (model: string) => Price | null): number {
  const perThousand = modelPrice?.webSearch ?? ask.searchPricePer1000 ?? 0;
  const searches = (ask.searches * perThousand) / 1000;
  const image = ask.image
    ? mediaEstimate('images', { json: { n: 1, size: ask.image.size, quality: ask.image.quality } } as unknown as ClientBody, imagePrice(ask.image.model)).usd
    : 0;
  return roundUsd(searches + image);
}
