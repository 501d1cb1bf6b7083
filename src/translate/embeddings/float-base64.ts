/**
 * An embedding as OpenAI's `encoding_format: "base64"` carries it: the
 * vector's float32 values, little-endian, base64-encoded (the openai SDK
 * decodes it back with a Float32Array).
 * @see https://platform.openai.com/docs/api-reference/embeddings/create#embeddings-create-encoding_format
 */
export function floatsToBase64(values: readonly number[]): string {
  const floats = new Float32Array(values.length);
  const view = new DataView(floats.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  const bytes = new Uint8Array(floats.buffer);
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}
