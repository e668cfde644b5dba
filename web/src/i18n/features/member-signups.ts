/** Texts of a member's sign-ups page (loaded with its route: meta.messages ['member-signups']; moved out of the core messages for the bundle budget). */
export default {
  'zh-CN': {
    volunteer: {
      member: {
        title: '我是党员我行动',
        subtitle: '向居住地社区报到，报名参加志愿服务，反映邻里需求',
        reportTitle: '我的双报到',
        reportHint: '向居住地社区（{community}）报到：',
        report: '报到',
        reportSent: '已向社区报到，等待社区审批',
        reportAlready: '您已向社区报到',
        reportFirst: '请先向社区报到，审批通过后即可报名',
        places: '可报名的服务项目（{n}）',
        noPlaces: '暂无可报名的项目',
        signedUp: '报名成功',
        withdrawn: '已取消报名',
        mine: '我上报的需求（{n}）',
      },
    },
  },
  en: {
    volunteer: {
      member: {
        title: 'I am a party member, I act',
        subtitle: 'Report to the community where you live, sign up for volunteer service, pass on neighbours\' needs',
        reportTitle: 'My dual report',
        reportHint: 'Report to your home community ({community}):',
        report: 'Report',
        reportSent: 'Reported; the community will decide',
        reportAlready: 'You have reported to your community',
        reportFirst: 'Report to your community first; once approved you can sign up',
        places: 'Items open for sign-up ({n})',
        noPlaces: 'Nothing open for sign-up',
        signedUp: 'Signed up',
        withdrawn: 'Sign-up withdrawn',
        mine: 'Needs I reported ({n})',
      },
    },
  },
}
