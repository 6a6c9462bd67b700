// The scorecard: every analysis joined into nine scored areas (kubeward report, the dashboard's front page).
export type { AreaId, AreaScore, InputKind, ScoredFinding, Scorecard, SourceResult } from './model.js';
export { AREA_IDS } from './model.js';
export { AREAS, RULE_AREAS, areaOf } from './area-map.js';
export { buildScorecard, WORST_FINDINGS } from './build.js';
export { readInputDocument, readInputFile } from './read-input.js';
export { readStore, STORE_SOURCE, imageLabel } from './from-store.js';
export { renderScorecardHtml, scorecardSectionsHtml, htmlDocument, esc, BASE_STYLE } from './html.js';
export { renderScorecardJson } from './json.js';
export { SEVERITY_WEIGHTS, penaltyOf, scoreOf } from './score.js';
