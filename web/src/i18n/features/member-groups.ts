/**
 * Texts of the member groups (服务队, 红色引航·众彩绽放): their tags on the service-day rosters and the public pledge
 * board, the member list's group column and the 三个清单 page's 服务队 tab (loaded with those routes: meta.messages ['member-groups']).
 */
export default {
  'zh-CN': {
    volunteer: {
      groups: {
        tab: '服务队',
        hint: '红色引航·众彩绽放：党员身穿不同颜色标识的工作服，分队参加服务。共 {n} 支服务队，{members} 名党员',
        name: '名称',
        nameEn: '英文名称',
        color: '标识颜色',
        sort: '排序',
        members: '党员人数',
        membersOf: '{n} 人',
        newGroup: '新增服务队',
        edit: '编辑',
        saved: '已保存',
        nameRequired: '请填写服务队名称',
        colorRequired: '请选择标识颜色（如 #D7000F）',
        column: '服务队',
        none: '未分队',
        pick: '选择服务队',
        changed: '已将 {name} 调整到 {group}',
        removed: '已将 {name} 移出服务队',
        rosterTeams: '参加服务的党员',
        boardTeams: '服务队',
        checkedIn: '已签到',
        swatch: '{name}（标识颜色 {color}）',
      },
    },
  },
  en: {
    volunteer: {
      groups: {
        tab: 'Member groups',
        hint: '"Red leads, many colours bloom": members serve in groups whose work clothes carry their colour. {n} groups, {members} members',
        name: 'Name',
        nameEn: 'English name',
        color: 'Colour',
        sort: 'Order',
        members: 'Members',
        membersOf: '{n}',
        newGroup: 'New group',
        edit: 'Edit',
        saved: 'Saved',
        nameRequired: 'Enter the group’s name',
        colorRequired: 'Choose the group’s colour (e.g. #D7000F)',
        column: 'Group',
        none: 'No group',
        pick: 'Choose a group',
        changed: '{name} now serves in {group}',
        removed: '{name} is in no group now',
        rosterTeams: 'Members serving',
        boardTeams: 'Member groups',
        checkedIn: 'checked in',
        swatch: '{name} (colour {color})',
      },
    },
  },
}
