import type { Router } from 'vue-router'
import { ElMessage } from 'element-plus'
import { isApiError } from '@/api/client'
import { ensureFeatureMessages, i18n } from '@/i18n'
import { useAuthStore } from '@/stores/auth'

/**
 * Signed-out visitors go to /login (with the page they wanted as ?redirect=); a reload or a new
 * tab first tries to recover the session from the refresh cookie. Roles come from route meta; a page the
 * role may not open is refused only once /me confirmed the session (one message per failure).
 */
export function setupAuthGuard(router: Router): void {
  router.beforeEach(async (to, from) => {
    const auth = useAuthStore()

    if (to.name === 'login') {
      if (auth.isAuthenticated || (await auth.restore())) {
        const redirect = typeof to.query.redirect === 'string' ? to.query.redirect : '/'
        return redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/'
      }
      return true
    }

    // A page's own messages (lazy chunks) are there before it renders.
    await ensureFeatureMessages(to.meta.messages)

    if (to.meta.public) return true

    if (!auth.isAuthenticated && !(await auth.restore())) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
    }

    if (!auth.user) {
      try {
        await auth.loadMe()
      } catch {
        auth.clear()
        return { name: 'login', query: { redirect: to.fullPath } }
      }
    }

    if (!auth.hasRole(to.meta.roles)) {
      // Before saying "no access", ask the server who this is: a session that is gone is the one thing to tell
      // (the client's onSessionExpired says it once and goes to the login page), not a forbidden page and then
      // an expired session from the next page's calls; a role changed since the sign-in is read afresh too.
      try {
        await auth.loadMe()
      } catch (e) {
        if (isApiError(e) && e.status === 401) return false
      }
      if (!auth.isAuthenticated) return false
      if (!auth.hasRole(to.meta.roles)) {
        ElMessage.warning(i18n.global.t('errors.forbiddenPage'))
        // An in-app click just stays where it was; a deep link has no page to stay on.
        return from.matched.length > 0 ? false : { name: 'home' }
      }
    }
    return true
  })

  router.afterEach((to) => {
    const app = i18n.global.t('app.name')
    document.title = to.meta.titleKey ? `${i18n.global.t(to.meta.titleKey)} · ${app}` : app
  })
}
