/**
 * The environment variable that marks every process of one tree: `BATON_ATTEMPT=<random id>`,
 * inherited by whatever the program starts, even across `setsid` and double forks.
 */
export const TREE_MARKER = 'BATON_ATTEMPT';
