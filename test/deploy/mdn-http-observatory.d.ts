/** The few parts of @mdn/mdn-http-observatory (plain JavaScript, typed only in JSDoc) that observatory-scan.ts uses. */
declare module '@mdn/mdn-http-observatory' {
  export interface TestOutput {
    result: string | null;
    pass: boolean | null;
    scoreModifier: number;
  }
  export interface ScanResult {
    scan: { grade: string; score: number; statusCode: number; testsFailed: number };
    tests: Record<string, TestOutput>;
  }
  export function scan(hostname: string): Promise<ScanResult>;
}

declare module '@mdn/mdn-http-observatory/src/retriever/retriever.js' {
  export interface Requests {
    responses: { auto: { status: number } | null };
  }
  export function retrieve(hostname: string, options?: { path?: string }): Promise<Requests>;
}

declare module '@mdn/mdn-http-observatory/src/constants.js' {
  import type { Requests } from '@mdn/mdn-http-observatory/src/retriever/retriever.js';
  export const ALL_TESTS: ((requests: Requests) => { result: string | null; pass: boolean | null; constructor: { name: string } })[];
}

declare module '@mdn/mdn-http-observatory/src/grader/grader.js' {
  export function getGradeForScore(score: number): { grade: string; score: number };
  export function getScoreModifier(expectation: string): number;
}

declare module '@mdn/mdn-http-observatory/src/grader/charts.js' {
  export const MINIMUM_SCORE_FOR_EXTRA_CREDIT: number;
}
