/** The storage figure's default text (chapter 5's prose measures on it). */
export const STORAGE_TEXT =
  'The old man walked to the river. He sat down by the water, and he watched the boats. When the sun set, he went home. The next day he came back.';
