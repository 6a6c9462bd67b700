// The front page: the scorecard over what the store holds.
import { buildScorecard, readStore, scorecardSectionsHtml } from '../../scorecard/index.js';
import type { Scorecard } from '../../scorecard/index.js';
import { definePage } from '../page.js';

/** Detail rows per area on the front page; the API answer has every finding. */
const FRONT_PAGE_ROWS = 100;

export const scorecardPage = definePage<{ scorecard: Scorecard }>({
  slug: '',
  apiName: 'scorecard',
  title: 'Scorecard',
  filters: [],
  async load(ctx) {
    const source = await readStore(ctx.store);
    return { scorecard: buildScorecard([source], ctx.clock.now().toISOString()) };
  },
  render: (data) => scorecardSectionsHtml(data.scorecard, FRONT_PAGE_ROWS),
});
