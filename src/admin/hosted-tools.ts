import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { hostedToolsSchema, imageGenerationSchema, webSearchSchema, type HostedToolsSettings } from '../config/schema.js';
import { saveSettings } from '../policy/gateway-settings.js';
import { isCurrentSeal, maskSecret, SECRET_HELP, type SecretBox } from '../policy/secrets.js';
import { invalid, readBody } from './errors.js';

/**
 * /hosted-tools: web search and image generation served by the gateway for
 * models whose upstream lacks them (docs/hosted-tools.md), the config file's
 * `hostedTools`. A PUT replaces the section whole; a search key sent is
 * sealed with the gateway secret before it is stored, and never shown again
 * (only masked). A PUT without `apiKey` keeps the stored one.
 */

export const hostedToolsView = z.object({
  webSearch: webSearchSchema
    .omit({ apiKey: true })
    .extend({ apiKey: z.string().nullable().describe('The search key, masked; null when none is stored.') })
    .nullable(),
  imageGeneration: imageGenerationSchema.nullable(),
});

export const putHostedToolsBody = hostedToolsSchema;

/** A section sent without a search key for the same vendor keeps the stored key (a form, an exported document never carry it back). */
export function keepStoredSearchKey(section: HostedToolsSettings, stored: HostedToolsSettings): HostedToolsSettings {
  const keep = stored.webSearch?.apiKey;
  if (!section.webSearch || section.webSearch.apiKey !== undefined || !keep || stored.webSearch?.provider !== section.webSearch.provider) return section;
  return { ...section, webSearch: { ...section.webSearch, apiKey: keep } };
}

/** The section as a config document shows it: the search key left out (importing the document keeps the stored one). */
export function exportedHostedTools(section: HostedToolsSettings): HostedToolsSettings | undefined {
  if (!section.webSearch && !section.imageGeneration) return undefined;
  if (!section.webSearch) return section;
  const { apiKey: _left, ...webSearch } = section.webSearch;
  return { ...section, webSearch };
}

/** The section as stored: a search key sealed (one already sealed stays as it is). */
export async function sealHostedTools(section: HostedToolsSettings, box: SecretBox): Promise<HostedToolsSettings> {
  const key = section.webSearch?.apiKey;
  if (!section.webSearch || key === undefined || isCurrentSeal(key)) return section;
  if (!box.canSeal) throw new Error(`cannot be stored without a secret to encrypt it; ${SECRET_HELP}`);
  return { ...section, webSearch: { ...section.webSearch, apiKey: await box.encrypt(key) } };
}

async function viewOf(section: HostedToolsSettings, box: SecretBox): Promise<z.infer<typeof hostedToolsView>> {
  const search = section.webSearch;
  let masked: string | null = null;
  if (search?.apiKey) masked = maskSecret(await box.decrypt(search.apiKey).catch(() => ''));
  return { webSearch: search ? { ...search, apiKey: masked } : null, imageGeneration: section.imageGeneration ?? null };
}

export function hostedToolsRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json(await viewOf(ctx.settings.current().raw.hostedTools, ctx.secrets)));

  app.put('/', async (c) => {
    const body = await readBody(c, putHostedToolsBody);
    const current = ctx.settings.current().raw;
    // Same vendor, no key sent: the stored key stays (the view never shows it, so a form cannot send it back).
    const withKey = keepStoredSearchKey(body, current.hostedTools);
    let sealed: HostedToolsSettings;
    try {
      sealed = await sealHostedTools(withKey, ctx.secrets);
    } catch (err) {
      throw invalid([{ path: 'webSearch.apiKey', message: (err as Error).message }], 'invalid_body');
    }
    await saveSettings(ctx.store, { hostedTools: sealed });
    ctx.settings.replace({ ...current, hostedTools: sealed });
    return c.json(await viewOf(sealed, ctx.secrets));
  });

  return app;
}
