/** The forms of the rules' own steps on a case: 反馈 (telling the reporter), 报送 (passing up), 转办 (to be transferred). One schema each. */
import { z } from 'zod';
import type { FormMessages } from '../lib/forms';

/** How the commission told the reporter (反馈). */
export const feedbackWays = ['portal', 'telephone', 'letter', 'inPerson'] as const;
export type FeedbackWay = (typeof feedbackWays)[number];

/** What the reporter was told of: that the case was accepted, or its result. */
export const feedbackSubjects = ['acceptance', 'result'] as const;
export type FeedbackSubject = (typeof feedbackSubjects)[number];

const base = { _csrf: z.string().max(300) };
const day = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);

export const feedbackForm = z.object({ ...base, about: z.enum(feedbackSubjects), way: z.enum(feedbackWays), toldOn: day }).strict();
export const passUpForm = z.object({ ...base, passedUpOn: day }).strict();
export const planTransferForm = z.object(base).strict();

/** Each field's message is handlingRules.errors.<field>. */
export const handlingRulesMessages: FormMessages = { prefix: 'handlingRules.errors' };
