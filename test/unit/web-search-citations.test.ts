import { describe, expect, it } from 'vitest';
import { cite } from '../../src/gateway/hosted-tools/messages-blocks.js';

describe('web search citations (Messages)', () => {
  it('cites a result whose address is not Latin-1, as a search vendor may return it', () => {
    const url = 'https://例え.jp/記事/東京';
    const block = cite({ type: 'text', text: `See ${url} for more.` }, [{ url, title: '東京', snippet: 'about Tokyo' }]);
    expect(block.citations).toEqual([
      { type: 'web_search_result_location', url, title: '東京', cited_text: 'about Tokyo', encrypted_index: expect.stringMatching(/^[A-Za-z0-9_-]+$/) },
    ]);
  });
});
