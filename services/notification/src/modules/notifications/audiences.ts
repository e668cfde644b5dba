import type { Role } from '@redheart/shared';

/**
 * The audiences and links the rule tables share (rules.ts and rules-jobs.ts; rules.ts imports rules-jobs.ts, so neither
 * can take them from the other): the roles an account-addressed rule can reach (the preferences list the kinds a role
 * can receive), and the case a case rule links to.
 */
/** Who opens a case (its `createdBy`): the community's staff. */
export const CASE_OPENERS: readonly Role[] = ['community_clerk', 'community_secretary'];
/** Who starts a household or property register import (household's importers). */
export const HOUSEHOLD_IMPORTERS: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk'];
/** Who starts a division import (org's: the city's and a county's organisation department). */
export const DIVISION_IMPORTERS: readonly Role[] = ['city_admin', 'admin'];

/** A case rule's link: the case, by the payload's caseId. */
export const CASE_RECORD = { type: 'case', idFrom: 'caseId' } as const;
