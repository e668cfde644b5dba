/**
 * The path of the organisation an audited record belongs to, so a street admin reads the trail of
 * their own street only. Entity types not listed here (the county-wide catalogue) have none: admins only.
 */
const owned = (table: string, column: string) =>
  `(SELECT o.path FROM ${table} x JOIN org_unit o ON o.id = x.${column} WHERE x.id = a.entity_id::bigint)`;
export const ORG_AUDIT_OWNER_PATH = `CASE WHEN a.entity_id ~ '^[0-9]{1,18}$' THEN
    CASE a.entity_type
      WHEN 'org_unit' THEN (SELECT o.path FROM org_unit o WHERE o.id = a.entity_id::bigint)
      WHEN 'community_catalogue' THEN (SELECT o.path FROM org_unit o WHERE o.id = a.entity_id::bigint)
      WHEN 'position' THEN ${owned('position', 'org_id')}
      WHEN 'grid' THEN ${owned('grid', 'community_id')}
      WHEN 'cadre_assignment' THEN ${owned('cadre_assignment', 'community_id')}
      WHEN 'desk' THEN ${owned('desk', 'community_id')}
      WHEN 'compound' THEN ${owned('compound', 'community_id')}
      WHEN 'account' THEN ${owned('account', 'org_id')}
    END
  END`;
