/** Skill → words that mark a step needing it (research, communication, purchase, and more). */
export const DEFAULT_SKILL_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  research: ['research', 'find', 'investigate', 'compare', 'look up', 'search', 'analyze', 'analyse'],
  communication: ['email', 'e-mail', 'draft', 'write', 'send', 'message', 'reply', 'notify', 'announce'],
  purchase: ['buy', 'purchase', 'order', 'book'],
  summarization: ['summarize', 'summarise', 'summary', 'digest'],
  coding: ['implement', 'code', 'build', 'fix', 'refactor', 'deploy'],
  review: ['review', 'check', 'verify', 'test', 'approve'],
  planning: ['plan', 'scope', 'design', 'outline'],
};

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
