/** The skip-trigram search's default candidate tokens (chapter 5's prose says what they show). */
export const DEFAULT_CANDS = ' keep in mind at bay the cat dog sat mat milk cup tea drank poured';
/** Rows of the skip-trigram table. */
export const TRIGRAM_ROWS = 12;
