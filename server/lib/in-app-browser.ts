/**
 * Chat apps' built-in browsers (WeChat, QQ, DingTalk, Weibo…) may share or
 * keep what is shown in them; reporters are advised to use a normal browser.
 * The user agent is only matched here, never logged or stored.
 */
import type { RequestHandler } from 'express';

const inAppBrowser = /MicroMessenger|wxwork|WeCom|\bQQ\/|DingTalk|AliApp|Weibo|Lark|Feishu/i;

export const detectInAppBrowser: RequestHandler = (req, res, next) => {
  res.locals.inAppBrowser = inAppBrowser.test(req.get('user-agent') ?? '');
  next();
};
