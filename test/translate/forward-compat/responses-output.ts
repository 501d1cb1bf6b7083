// The output items a Responses client gets for one request through the OpenAI SDK:
// the response's output when whole, each output_item.done event's item when streamed.
import type OpenAI from 'openai';

export async function responsesOutput(openai: OpenAI, params: { stream: boolean } & Record<string, unknown>): Promise<any[]> {
  if (!params.stream) return ((await openai.responses.create(params as any)) as any).output;
  const output: any[] = [];
  for await (const event of (await openai.responses.create(params as any)) as any) if (event.type === 'response.output_item.done') output.push(event.item);
  return output;
}
