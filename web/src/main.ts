import { createApp } from 'vue'
import { ElMessage } from 'element-plus'
import App from './App.vue'
import { configureAuth } from './api/client'
import { i18n, restoreLocale } from './i18n'
import { router } from './router'
import { pinia } from './stores'
import { useAuthStore } from './stores/auth'
import { useOrgStore } from './stores/org'
// Element Plus components bring their own CSS where a template uses them (vite.config.ts); the
// base variables and the services called from code (messages, message boxes) are styled here.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './styles/main.css'

const app = createApp(App)
app.use(pinia).use(i18n).use(router)

const auth = useAuthStore(pinia)
let leaving = false
configureAuth({
  getToken: () => auth.accessToken,
  refresh: () => auth.refresh(),
  onSessionExpired: () => {
    auth.clear()
    useOrgStore(pinia).reset()
    // One message per lost session, decided by the session and not by the route: several calls fail together
    // (the page's, the bell's ticket), and the router guard may already have taken the page to the login (it saw
    // the store cleared by a failed refresh before the failing call got here) — the message is still owed then.
    if (auth.takeLostSession()) {
      // The one message of this failure: whatever the page showed for its failed calls goes.
      ElMessage.closeAll()
      ElMessage.warning({ message: i18n.global.t('errors.sessionExpired'), grouping: true })
    }
    const current = router.currentRoute.value
    if (current.meta.public || leaving) return
    leaving = true
    void router.replace({ name: 'login', query: current.matched.length ? { redirect: current.fullPath } : {} }).finally(() => {
      leaving = false
    })
  },
})

await restoreLocale()
app.mount('#app')
