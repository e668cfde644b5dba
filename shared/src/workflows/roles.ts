/** The roles of the platform's accounts (the token's `role`), from the city down to a member. Browser-safe. */
export const ROLES = [
  'city_admin',
  'admin',
  'street_admin',
  'community_secretary',
  'community_clerk',
  'grid_worker',
  'unit_staff',
  'member',
] as const;
export type Role = (typeof ROLES)[number];

/*
 * Groups of roles that a workflow and the policy tables (./policy.ts) share; here so that the policy, which the SPA
 * loads on every page, does not pull in the workflows themselves.
 */
/** Who walks the outreach tasks: the grid worker on the doorstep, and the community's staff. */
export const TASK_WORKERS: readonly Role[] = ['grid_worker', 'community_clerk', 'community_secretary', 'admin'];
/** Who takes an application and moves it on: the community's clerks and secretary, and the county admin. */
export const APPLICATION_CLERKS: readonly Role[] = ['admin', 'community_secretary', 'community_clerk'];
/** The community's side of the service items: its clerks and secretary, and the county admin. */
export const ITEM_COMMUNITY: readonly Role[] = ['community_clerk', 'community_secretary', 'admin'];
/** The street (and the county admin) assigns an escalated item to a unit. */
export const ITEM_STREET: readonly Role[] = ['street_admin', 'admin'];
/** Who decides reports: the community's clerks and secretary, and the county admin. */
export const REPORT_DECIDERS: readonly Role[] = ['community_clerk', 'community_secretary', 'admin'];
