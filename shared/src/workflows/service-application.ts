import { APPLICATION_CLERKS } from './roles';
import { type ActionRule, defineWorkflow } from './types';

/** 一网通办: a resident's application for a catalogue service, taken at the community's one window. */
export const APPLICATION_STATUSES = ['SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'HANDED_OVER', 'DONE', 'REJECTED', 'WITHDRAWN'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_ACTIONS = ['request_supplement', 'supplement', 'accept', 'hand_over', 'complete', 'reject', 'withdraw'] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];


export const APPLICATION_WORKFLOW_DEF = defineWorkflow<ApplicationStatus, ApplicationAction, ActionRule<ApplicationStatus>>({
  id: 'service-application',
  title: '一网通办申请 · service application',
  service: 'household',
  endpoint: 'POST /api/household/service-applications/:id/transitions',
  description:
    'The clerk checks the service\'s materials, asks for what is missing at once (补正), accepts (受理), hands the file over to ' +
    'the county department that decides (转县直部门) or finishes it at the window (办结), or refuses it. A day to accept; ' +
    'from the acceptance, the service\'s own time limit.',
  states: APPLICATION_STATUSES,
  actions: APPLICATION_ACTIONS,
  initial: ['SUBMITTED'],
  rules: {
    request_supplement: { from: ['SUBMITTED'], to: 'NEEDS_SUPPLEMENT', roles: APPLICATION_CLERKS, reasonRequired: false },
    supplement: { from: ['NEEDS_SUPPLEMENT'], to: 'SUBMITTED', roles: APPLICATION_CLERKS, reasonRequired: false, required: ['provided'] },
    accept: { from: ['SUBMITTED'], to: 'ACCEPTED', roles: APPLICATION_CLERKS, reasonRequired: false },
    hand_over: { from: ['ACCEPTED'], to: 'HANDED_OVER', roles: APPLICATION_CLERKS, reasonRequired: false, required: ['department'] },
    complete: { from: ['ACCEPTED', 'HANDED_OVER'], to: 'DONE', roles: APPLICATION_CLERKS, reasonRequired: false },
    reject: { from: ['SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'HANDED_OVER'], to: 'REJECTED', roles: APPLICATION_CLERKS, reasonRequired: true, danger: true },
    withdraw: { from: ['SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED'], to: 'WITHDRAWN', roles: APPLICATION_CLERKS, reasonRequired: true, danger: true },
  },
  timeLimits: { SUBMITTED: 1 },
});
