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
