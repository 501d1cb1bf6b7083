import type { Tiktoken } from 'js-tiktoken/lite';
import { loadTokenizer } from './load-tokenizer.js';

/** What the estimate needs of the tokenizer. */
export type Tokenizer = Pick<Tiktoken, 'encode'>;

/**
 * The BPE tokenizer (o200k_base) as the gateway holds it: built once, in the
 * background, and never waited for by a request. Its ranks module takes a
 * few hundred milliseconds of event loop to import and its tables seconds
 * to fill (in pieces, load-tokenizer.ts): a request that needs an estimate
 * before it is ready gets the rough one (rough-tokens.ts) instead.
 */
export interface TokenizerLoader {
  /** The tokenizer once built; undefined until then. Never starts or waits for a build. */
  current(): Tokenizer | undefined;
  /** Starts the build unless it runs or is done; ends when it does. Never rejects: a failure is logged and a later call tries again. */
  load(): Promise<void>;
}

export function createTokenizerLoader(options: {
  /** A turn of the event loop between pieces of the build. */
  pause: () => Promise<void>;
  /** Aborted when the gateway stops: the build stops at its next pause. */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** How the tokenizer is built (tests hold it back); default load-tokenizer.ts. */
  build?: (pause: () => Promise<void>) => Promise<Tokenizer>;
}): TokenizerLoader {
  const { signal, log = () => {} } = options;
  const build = options.build ?? loadTokenizer;
  let built: Tokenizer | undefined;
  let building: Promise<void> | undefined;
  const pause = async () => {
    signal?.throwIfAborted();
    await options.pause();
  };
  return {
    current: () => built,
    load() {
      if (built || signal?.aborted) return Promise.resolve();
      building ??= build(pause).then(
        (tokenizer) => {
          built = tokenizer;
        },
        (err: unknown) => {
          building = undefined;
          if (!signal?.aborted) log(`the token estimate's tokenizer could not be built, rough estimates meanwhile: ${(err as Error)?.message ?? String(err)}`);
        },
      );
      return building;
    },
  };
}
