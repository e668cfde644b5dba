import { createApp } from 'vue'
import { ElMessage } from 'element-plus'
import App from './App.vue'
import { configureAuth } from './api/client'
import { installElementPlus } from './plugins/element-plus'
import { i18n } from './i18n'
import { router } from './router'
import { pinia } from './stores'
import { useAuthStore } from './stores/auth'
import { useOrgStore } from './stores/org'
import './styles/main.css'

const app = createApp(App)
app.use(pinia).use(i18n).use(router)
installElementPlus(app)

const auth = useAuthStore(pinia)
configureAuth({
  getToken: () => auth.accessToken,
  refresh: () => auth.refresh(),
  onSessionExpired: () => {
    auth.clear()
    useOrgStore(pinia).reset()
    const current = router.currentRoute.value
    if (current.meta.public) return
    // The one message of this failure: whatever the page showed for its failed calls goes.
    ElMessage.closeAll()
    ElMessage.warning({ message: i18n.global.t('errors.sessionExpired'), grouping: true })
    void router.replace({ name: 'login', query: { redirect: current.fullPath } })
  },
})

app.mount('#app')
