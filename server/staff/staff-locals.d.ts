import type { SignedInStaff } from './access';

declare global {
  namespace Express {
    interface Locals {
      /** Set on /staff requests when someone is signed in (see access.ts). */
      staff?: SignedInStaff;
    }
    interface Request {
      /** The commission's private key (PEM) when this staff session unlocked it; set by the staff area (unlock.ts). Never in a view. */
      unlockedCommissionKey?: string;
    }
  }
}

export {};
