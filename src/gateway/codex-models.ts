/**
 * The Codex CLI's model catalogue, `{ models: [ModelInfo…] }`, as it reads
 * `GET {base_url}/models?client_version=…`: every model a key may use, with
 * the defaults Codex itself gives a model it has no metadata for.
 *
 * Codex parses the whole answer strictly: one entry missing a required
 * field (or with `null` where a list or string is wanted) fails the whole
 * catalogue, so each entry carries every field Codex requires, with values
 * of the types it expects. Fields Codex marks optional are left out.
 * @see https://github.com/openai/codex/blob/main/codex-rs/protocol/src/openai_models.rs (ModelInfo, ModelsResponse)
 *
 * `base_instructions` is required too, and Codex sends it as the request's
 * `instructions` for that model. Switchboard has no prompt of its own to
 * give, so it is empty (which Codex accepts): a client whose catalogue comes
 * from here sends its own system prompt only through its other messages.
 */
export function codexCatalog(ids: readonly string[]): { models: unknown[] } {
  return { models: ids.map((id, priority) => codexModel(id, priority)) };
}

/** The reasoning levels Codex offers for a model it does not know (low, medium, high). */
const REASONING_LEVELS = [
  { effort: 'low', description: 'Faster answers, less reasoning' },
  { effort: 'medium', description: 'Balanced speed and reasoning' },
  { effort: 'high', description: 'More reasoning for hard problems' },
];

function codexModel(id: string, priority: number): Record<string, unknown> {
  return {
    slug: id,
    display_name: id,
    description: `${id} through Switchboard`,
    supported_reasoning_levels: REASONING_LEVELS,
    // Codex's own default for unknown models: its default shell tool.
    shell_type: 'default',
    visibility: 'list',
    supported_in_api: true,
    // Lower first in the picker: the gateway's sorted order.
    priority,
    upgrade: null,
    base_instructions: '',
    supports_reasoning_summaries: false,
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: null,
    // Codex's default truncation of tool output for unknown models.
    truncation_policy: { mode: 'bytes', limit: 10_000 },
    supports_parallel_tool_calls: false,
    experimental_supported_tools: [],
    input_modalities: ['text', 'image'],
  };
}
