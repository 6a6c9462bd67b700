// The scorecard as JSON (docs/scorecard.md): the model as it is, with a trailing newline.
import type { Scorecard } from './model.js';

export function renderScorecardJson(card: Scorecard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}
