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
let expiring = false
configureAuth({
  getToken: () => auth.accessToken,
  refresh: () => auth.refresh(),
  onSessionExpired: () => {
    auth.clear()
    useOrgStore(pinia).reset()
    const current = router.currentRoute.value
    // Several calls fail together (the page's and the notification bell's): the first one tells the user; a
    // second closeAll would take the message away again while the page goes to the login.
    if (current.meta.public || expiring) return
    expiring = true
    // The one message of this failure: whatever the page showed for its failed calls goes.
    ElMessage.closeAll()
    ElMessage.warning({ message: i18n.global.t('errors.sessionExpired'), grouping: true })
    void router.replace({ name: 'login', query: { redirect: current.fullPath } }).finally(() => { expiring = false })
  },
})

await restoreLocale()
app.mount('#app')
