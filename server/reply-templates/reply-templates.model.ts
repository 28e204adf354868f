/**
 * The reply templates (常用语), all in one bounded document read by _id:
 * there are a few dozen at most, and the case page reads them on every view.
 * `version` lets a change be written only over the list it was made from.
 */
import { Schema, model } from 'mongoose';

export const maxTemplates = 50;

const replyTemplateSchema = new Schema(
  {
    id: { type: String, required: true },
    title: { type: String, required: true },
    text: { type: String, required: true },
  },
  { _id: false },
);

const replyTemplateListSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    entries: { type: [replyTemplateSchema], default: [] },
  },
  { collection: 'reply_templates' },
);

export const ReplyTemplateList = model('ReplyTemplateList', replyTemplateListSchema);
