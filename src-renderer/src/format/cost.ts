// The one wording of costs, shared with the CLI and the Spend screen's CSV (src-shared/spend/words.ts).
export { cost, spendText } from '../../../src-shared/spend/words.ts';
