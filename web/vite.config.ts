import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const apiProxy = {
  // The gateway is the one origin the SPA talks to (docs/api.md); `npm run dev` passes its address.
  '/api': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080', changeOrigin: false },
}

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand: each <el-…> (and v-loading) used in a template is imported, with its
    // CSS, by the component that uses it, so a page loads only its own widgets (the login page does
    // not carry the table, the tree or the date picker). src/components.d.ts gives templates their
    // types (vue-tsc checks unknown components); it is rewritten by each build and committed.
    Components({
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })],
      dts: 'src/components.d.ts',
    }),
  ],
  resolve: {
    alias: [
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
      // The workflows, written once for the services and the SPA (browser-safe TypeScript, bundled from source).
      // A file of it alone (`@redheart/workflows/policy`: who may do what, read by every page's menu;
      // `@redheart/workflows/labels/<workflow>`: the states' names, read by the messages) keeps the rest of the
      // workflows out of that chunk; `@redheart/workflows` is all of them.
      { find: /^@redheart\/workflows\/(.+)$/, replacement: `${fileURLToPath(new URL('../shared/src/workflows/', import.meta.url))}$1` },
      { find: /^@redheart\/workflows$/, replacement: fileURLToPath(new URL('../shared/src/workflows/index.ts', import.meta.url)) },
    ],
  },
  define: {
    // vue-i18n: composition API only, no devtools in production bundles.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: { port: 5173, proxy: apiProxy },
  preview: { port: 4173, proxy: apiProxy },
  build: {
    outDir: 'dist',
    // Vue and its router, store and i18n form one vendor chunk, cached on its own. Element Plus and
    // ECharts are not grouped: their modules go with the pages that use them (a chart type with
    // the page that draws it, see src/components/charts/echarts.ts).
    chunkSizeWarningLimit: 650,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 30 },
          ],
        },
      },
    },
  },
})
