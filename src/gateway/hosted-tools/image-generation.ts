/** The function tool the model is given in place of the Responses `image_generation` tool. */
export const IMAGE_FUNCTION = {
  name: 'image_generation',
  description: 'Make an image from a description. The image is shown to the user; describe it fully in `prompt`.',
  parameters: {
    type: 'object',
    properties: { prompt: { type: 'string', description: 'A full description of the image to make.' } },
    required: ['prompt'],
    additionalProperties: false,
  },
};
