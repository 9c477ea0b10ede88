/** The own-text figure's default: an invented name, introduced and used again (chapter 6 says what it shows). */
export const OWN_TEXT =
  'Our new neighbour is called Zorblat Quimby. He keeps bees. Yesterday Zorblat Quimby gave us honey.';
