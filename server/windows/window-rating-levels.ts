/** The five levels of 政务服务「好差评」, best first, and which of them, with a comment, become a case. */
export const windowRatingLevels = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied'] as const;
export type WindowRatingLevel = (typeof windowRatingLevels)[number];

export function becomesCase(level: WindowRatingLevel, comment: string): boolean {
  return (level === 'dissatisfied' || level === 'veryDissatisfied') && comment.length > 0;
}

export type LevelCounts = Record<WindowRatingLevel, number>;

export function noCounts(): LevelCounts {
  return { verySatisfied: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, veryDissatisfied: 0 };
}
