import { AppError, failoverFetch } from '@redheart/shared';

/** What the org service asks the volunteer service to create for a committee decision. */
export interface MeetingWorkRequest {
  kind: 'item' | 'project';
  meetingId: number;
  decisionId: number;
  meetingTitle: string;
  communityId: number;
  categoryId?: number;
  place?: string;
  description?: string;
  name?: string;
  budgetYuan?: number;
}

/** What it became: a service item (with its number) or a project, in a community. */
export interface MeetingWorkResult {
  kind: 'item' | 'project';
  id: number;
  no: string | null;
  communityId: number;
}

/** Creates the work as the caller (their bearer token: the volunteer service applies its own role and scope rules). */
export type VolunteerWork = (bearer: string, body: MeetingWorkRequest, requestId?: string) => Promise<MeetingWorkResult>;

const unavailable = () => new AppError(503, 'VOLUNTEER_UNAVAILABLE', '志愿服务系统暂时无法访问，请稍后再试；决议未改变', undefined, { 'retry-after': '5' });

/**
 * Over HTTP to the volunteer service's internal route (`POST /api/volunteer/internal/meeting-work`, the internal
 * secret + the caller's token; the gateway never routes it with the secret). The volunteer service keys the work by
 * the decision, so a retry after a lost answer returns the same item rather than a second one. Unreachable, a 5xx or
 * a timeout: 503 and the decision is left as it was; a 4xx of the volunteer service (a bad category, a community
 * outside the caller's scope, a role that may not create it) is passed on as it was.
 */
export function httpVolunteerWork(urls: readonly string[] | (() => readonly string[]), internalToken: string | undefined, timeoutMs = 5000): VolunteerWork {
  let fetcher: ReturnType<typeof failoverFetch> | undefined;
  let fetcherFor: string | undefined;
  return async (bearer, body, requestId) => {
    const list = typeof urls === 'function' ? urls() : urls;
    if (!list.length || !internalToken) throw unavailable();
    if (fetcherFor !== list.join(',')) {
      fetcher = failoverFetch(list);
      fetcherFor = list.join(',');
    }
    let res: Response;
    try {
      res = await fetcher!('/api/volunteer/internal/meeting-work', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-internal-token': internalToken,
          authorization: bearer,
          ...(requestId ? { 'x-request-id': requestId } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw unavailable();
    }
    let answer: Record<string, unknown> = {};
    try {
      answer = (await res.json()) as Record<string, unknown>;
    } catch {
      if (res.ok) throw unavailable();
    }
    if (res.status >= 500 || res.status === 404 && answer.code === 'NOT_FOUND' && String(answer.message).startsWith('Route')) throw unavailable();
    if (!res.ok) throw new AppError(res.status, String(answer.code ?? 'VOLUNTEER_REFUSED'), String(answer.message ?? 'The volunteer service refused the work'), answer.details);
    return answer as unknown as MeetingWorkResult;
  };
}
