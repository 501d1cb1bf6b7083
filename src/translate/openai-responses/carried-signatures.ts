import { replayedField, sameProtocolExtra } from '../extra.js';
import type { IRReasoningPart, IRRequest, Vendor } from '../ir.js';
import { PROTOCOL } from './wire.js';

/**
 * Anthropic's thinking signature and redacted thinking, carried to a
 * Responses client in a reasoning item's `encrypted_content` (tagged with
 * these prefixes), when the client asks for encrypted reasoning (`include:
 * ["reasoning.encrypted_content"]`, as the Codex CLI does). Sent back, the
 * item becomes Anthropic's signed thinking again, so a tool loop on an
 * Anthropic upstream keeps thinking on (Claude refuses a tool-result turn
 * with thinking on without it). Tagged values are Anthropic's: they never
 * reach OpenAI.
 */
const SIGNED = 'switchboard.anthropic.thinking:';
const REDACTED = 'switchboard.anthropic.redacted:';

/** Whether the client asked for encrypted reasoning in its answers. */
export function wantsEncryptedReasoning(request: IRRequest): boolean {
  const own = sameProtocolExtra(request, PROTOCOL);
  const include = own ? replayedField(own, 'include') : undefined;
  return Array.isArray(include) && include.includes('reasoning.encrypted_content');
}

/** The `encrypted_content` that carries another vendor's reasoning data, when it is Anthropic's. */
export function carrySignature(vendor: Vendor | undefined, data: { signature?: string; encrypted?: string; redacted?: boolean }): string | undefined {
  if (vendor !== 'anthropic') return undefined;
  if (data.redacted && data.encrypted !== undefined) return REDACTED + data.encrypted;
  return data.signature ? SIGNED + data.signature : undefined;
}

/** An item's `encrypted_content` read back as the Anthropic reasoning it carries (its readable text is the summary), if it carries one. */
export function carriedReasoning(encrypted: string, text: string): IRReasoningPart | undefined {
  if (encrypted.startsWith(SIGNED)) return { type: 'reasoning', text, vendor: 'anthropic', signature: encrypted.slice(SIGNED.length) };
  if (encrypted.startsWith(REDACTED)) return { type: 'reasoning', text: '', vendor: 'anthropic', redacted: true, encrypted: encrypted.slice(REDACTED.length) };
  return undefined;
}
