import type { DataSource, EntityManager } from 'typeorm';

/** The work a decision became: an item (with its number) or a project. */
export interface MeetingWork { kind: 'item' | 'project'; id: number; no: string | null; communityId: number }

export class MeetingWorkRepository {
  constructor(private readonly ds: DataSource) {}

  /** The work made from the decision already, if any. */
  async byDecision(decisionId: number): Promise<MeetingWork | undefined> {
    const rows: MeetingWork[] = await this.ds.query(
      `SELECT 'item' AS kind, id::int, item_no AS no, community_id::int AS "communityId" FROM item WHERE meeting_decision_id = $1
           UNION ALL SELECT 'project', id::int, NULL, community_id::int FROM project WHERE meeting_decision_id = $1`,
      [decisionId],
    );
    return rows[0];
  }

  async insertProject(m: EntityManager, p: { communityId: number; name: string; budgetYuan: number; meetingId: number; decisionId: number; meetingTitle: string }): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO project (community_id, name, budget_yuan, milestones, meeting_id, meeting_decision_id, meeting_title)
             VALUES ($1, $2, $3, '[]', $4, $5, $6) RETURNING id::int`,
      [p.communityId, p.name, p.budgetYuan, p.meetingId, p.decisionId, p.meetingTitle],
    );
    return rows[0].id;
  }
}
