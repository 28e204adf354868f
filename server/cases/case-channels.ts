/**
 * How a case came in. `web`: the public form. Entered by intake officers
 * (intake/): a letter, a telephone call, a visit, a referral from the 12345
 * hotline, a matter handed down by a higher authority (上级交办).
 * `inspection`: a finding of the commission's inspection group; the one
 * channel whose case has no reporter (its source is the commission itself).
 * `window`: a service window's rating (好差评, windows/) of 不满意 or 非常不满意 with a comment.
 */
export const caseChannels = ['web', 'letter', 'phone', 'visit', 'referral12345', 'higher', 'inspection', 'window'] as const;
export type CaseChannel = (typeof caseChannels)[number];

/** The channels an intake officer enters a report for. */
export const enteredChannels = ['letter', 'phone', 'visit', 'referral12345', 'higher'] as const;
export type EnteredChannel = (typeof enteredChannels)[number];

/** How the inspection group found a problem: an announced inspection (明察), an unannounced visit (暗访), or without notice, greeting, escort or stop-over (四不两直). */
export const inspectionMethods = ['announced', 'unannounced', 'fourNoes'] as const;
export type InspectionMethod = (typeof inspectionMethods)[number];

/** Reports from the public (every channel but the inspection group's own findings). */
export function isPublicChannel(channel: string): boolean {
  return channel !== 'inspection';
}

/** Cases stored before channels were kept came by the form. */
export function channelOf(stored: { channel?: string | null }): CaseChannel {
  return (caseChannels as readonly string[]).includes(stored.channel ?? '') ? (stored.channel as CaseChannel) : 'web';
}
