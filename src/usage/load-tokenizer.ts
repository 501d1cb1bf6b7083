import type { Tiktoken } from 'js-tiktoken/lite';

/** Ranks filled in between two turns of the event loop (a few milliseconds of work). */
const RANKS_PER_TURN = 2_000;

/** The tokenizer's tables, which js-tiktoken keeps on the instance (internal, so checked after use). */
interface RankTables {
  rankMap: Map<string, number>;
  textMap: Map<number, Uint8Array>;
}

/**
 * Builds the o200k_base tokenizer without holding the event loop: js-tiktoken's
 * constructor decodes its 200,000 ranks in one go, a second or more of
 * synchronous work (several on a busy machine) that would stall every other
 * request on the first token estimate. Here the tokenizer is made empty and
 * its tables filled the same way, RANKS_PER_TURN at a time, with `pause`
 * between. Should a release of js-tiktoken keep its tables elsewhere, the
 * check at the end sees it and the constructor does the work instead.
 */
export async function loadTokenizer(pause: () => Promise<void>): Promise<Tiktoken> {
  const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
  const bpe = ranks.default;
  const tiktoken = new Tiktoken({ ...bpe, bpe_ranks: '' });
  const tables = tiktoken as unknown as Partial<RankTables>;
  if (!(tables.rankMap instanceof Map) || !(tables.textMap instanceof Map)) return new Tiktoken(bpe);
  // The same reading as the constructor's: lines of `<name> <first rank> <base64 token>…`, ranks counting up from the first.
  for (const line of bpe.bpe_ranks.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const first = Number.parseInt(fields[1], 10);
    await pause();
    for (let i = 2; i < fields.length; i++) {
      if ((i - 2) % RANKS_PER_TURN === RANKS_PER_TURN - 1) await pause();
      const bytes = base64Bytes(fields[i]);
      tables.rankMap.set(bytes.join(','), first + i - 2);
      tables.textMap.set(first + i - 2, bytes);
    }
  }
  // "hello world" is two tokens in o200k_base; anything else means the tables were not the ones encode reads.
  return tiktoken.encode('hello world').length === 2 ? tiktoken : new Tiktoken(bpe);
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
