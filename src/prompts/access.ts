import type { KeyRecord, PromptRecord } from '../store/types.js';

/**
 * Whether a key may call a template: a key with a `prompts` list may call
 * exactly those (whatever their model: the template is what was granted);
 * a key without one may call the templates whose model it may ask for.
 */
export function mayCallPrompt(key: KeyRecord, prompt: Pick<PromptRecord, 'name'>, mayUseModel: () => boolean): boolean {
  if (key.prompts) return key.prompts.includes(prompt.name);
  return mayUseModel();
}
