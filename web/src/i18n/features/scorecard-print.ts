/** Texts of the printed unit scorecard (loaded with its route: meta.messages ['scorecard-print']; moved out of the core messages for the bundle budget). */
export default {
  'zh-CN': {
    volunteer: {
      print: {
        title: '双报到单位履职情况报告',
        back: '返回积分卡',
        period: '统计期间：{from} 至 {to}',
        allTime: '统计期间：报到以来',
        to: '{unit}：',
        body: '贵单位在 {communities} 开展“双报到 · 我是党员我行动”服务，统计期间共完成服务事项 {n} 项，志愿服务 {hours} 小时。具体情况如下：',
        rating: '{rating} 星（{n} 项）',
        members: '报到党员志愿时长',
        items: '事项数',
        delivered: '已完成事项（{n} 项）',
        communitySeal: '社区党委（盖章）',
        unitReceipt: '单位党组织（签收）',
        issuedBy: '经办人',
      },
    },
  },
  en: {
    volunteer: {
      print: {
        title: 'Dual-report service record of a work unit',
        back: 'Back to the scorecard',
        period: 'Period: {from} to {to}',
        allTime: 'Period: since the unit reported',
        to: 'To {unit}:',
        body: 'Your unit served in {communities} under "dual report · I am a party member, I act". In the period it completed {n} service item(s) with {hours} volunteer hours, as follows:',
        rating: '{rating} stars ({n} items)',
        members: 'Volunteer hours of reported members',
        items: 'Items',
        delivered: 'Completed items ({n})',
        communitySeal: 'Community committee (seal)',
        unitReceipt: 'Unit party organisation (received)',
        issuedBy: 'Issued by',
      },
    },
  },
}
