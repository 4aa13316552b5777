/**
 * The card-input-assistance AP's EF contents (spec/jpki-card.md §9) as the virtual card writes them,
 * for tests of a card-side parser that need well-formed seeds.
 */
export { encodeAttributesEf, encodeMyNumberEf } from '../card/assist-data.js';
