import type { SignedInStaff } from './access';

declare global {
  namespace Express {
    interface Locals {
      /** Set on /staff requests when someone is signed in (see access.ts). */
      staff?: SignedInStaff;
    }
  }
}

export {};
