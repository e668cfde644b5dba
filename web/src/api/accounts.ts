import { http } from './client'
import type { Account, AccountList, AccountPageQuery, AccountQuery, AccountWithPassword, NumberedPage, CreateAccountInput, GrantableRole, UpdateAccountInput } from './types'

/* 账号管理: the staff's accounts (the org service scopes them to the caller's area and roles). */

const base = '/api/org/accounts'
const accountPath = (id: number) => `${base}/${encodeURIComponent(String(id))}`

/** Newest first, keyset-paged. */
export function listAccounts(query: AccountQuery = {}): Promise<AccountList> {
  return http.get<AccountList>(base, { ...query })
}

/** Newest first, numbered pages with the total (the console's list). */
export function listAccountsPage(query: AccountPageQuery): Promise<NumberedPage<Account>> {
  return http.get<NumberedPage<Account>>(base, { ...query })
}

/** The roles the caller may give, each with the organisation types it fits. */
export function getGrantableRoles(): Promise<GrantableRole[]> {
  return http.get<GrantableRole[]>(`${base}/grantable`)
}

/**
 * 201 with the one-time password (only in this answer). 409 USERNAME_TAKEN, 409 ORG_ARCHIVED,
 * 400 ROLE_NOT_ALLOWED_HERE, 403 a role the caller may not give, 404 an organisation outside the caller's area.
 */
export function createAccount(input: CreateAccountInput): Promise<AccountWithPassword> {
  return http.post<AccountWithPassword>(base, input)
}

/** 409 STALE_VERSION, 400 CANNOT_CHANGE_SELF (one's own role, organisation or disabled flag). */
export function updateAccount(id: number, input: UpdateAccountInput): Promise<Account> {
  return http.patch<Account>(accountPath(id), input)
}

/** A new one-time password; also unlocks the account and signs it out everywhere. 409 STALE_VERSION. */
export function resetAccountPassword(id: number, version: number): Promise<AccountWithPassword> {
  return http.post<AccountWithPassword>(`${accountPath(id)}/reset-password`, { version })
}
